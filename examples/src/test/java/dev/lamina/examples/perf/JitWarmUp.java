package dev.lamina.examples.perf;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Runs a step until HotSpot's JIT compilers have settled on it, so that what a test measures next is
 * the compiled code's steady state, however long the compilers take on a busy machine.
 *
 * <p>Why a fixed number of warm-up steps is not enough: until C2 has compiled them, the Vector API
 * loops box every vector they touch (a heap allocation per vector), and a C2 compilation of a fused
 * kernel took up to a second of wall time on two cores shared with other work (JFR, this test under
 * load), during which every step runs the boxing code. The JIT is settled here when a round of steps
 * started and ended with no compilation running or queued ({@code jcmd Compiler.queue}, through the
 * {@code DiagnosticCommand} MBean) and the compilers' total time did not move during it.
 */
final class JitWarmUp {
    /** Steps per round: long enough for the step's hot methods to reach their compile thresholds. */
    private static final int ROUND = 5;
    private static final CompilationMXBean COMPILATION = ManagementFactory.getCompilationMXBean();

    private JitWarmUp() {}

    /**
     * Runs {@code step} at least {@code minimum} times, then in rounds until the JIT is settled or
     * {@code limit} has passed.
     *
     * @return the steps run, and whether the JIT settled within the limit
     */
    static Result run(Runnable step, int minimum, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        int steps = 0;
        for (; steps < minimum; steps++) {
            step.run();
        }
        while (System.nanoTime() < deadline) {
            long compileMillis = COMPILATION.getTotalCompilationTime();
            boolean idleBefore = compilersIdle();
            for (int i = 0; i < ROUND; i++, steps++) {
                step.run();
            }
            if (idleBefore && compilersIdle() && COMPILATION.getTotalCompilationTime() == compileMillis) {
                return new Result(steps, true);
            }
        }
        return new Result(steps, false);
    }

    /** Steps run while warming up, and whether the JIT settled before the limit. */
    record Result(int steps, boolean settled) {}

    /**
     * Whether no method is being compiled or waits to be. A JVM without HotSpot's diagnostic command
     * counts as idle: the compilers' total time alone then decides.
     */
    private static boolean compilersIdle() {
        return compilerQueue().map(JitWarmUp::isIdle).orElse(true);
    }

    /** True when the queue report lists no current compile and every queue is "Empty". */
    static boolean isIdle(String report) {
        boolean current = false;
        for (String line : report.split("\\R")) {
            String text = line.strip();
            if (text.startsWith("Current compiles:")) {
                current = true;
            } else if (text.endsWith("compile queue:")) {
                current = false;
            } else if (!text.isEmpty() && (current || !text.equals("Empty"))) {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> compilerQueue() {
        try {
            Object report = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerQueue",
                    new Object[] {null}, new String[] {String[].class.getName()});
            return Optional.of(String.valueOf(report));
        } catch (JMException e) {
            return Optional.empty();
        }
    }
}
