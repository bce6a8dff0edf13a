package dev.lamina.examples.perf;

import static com.google.common.truth.Truth.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JitWarmUpTest {
    @Test
    void aReportWithEmptyQueuesAndNoCurrentCompileIsIdle() {
        assertThat(JitWarmUp.isIdle("Current compiles: \n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\nEmpty\n"))
                .isTrue();
    }

    @Test
    void aCurrentCompileOrAQueuedMethodIsNotIdle() {
        assertThat(JitWarmUp.isIdle("Current compiles: \nC2 CompilerThread0  1256   !   4       a.B::c (497 bytes)\n\n"
                + "C1 compile queue:\nEmpty\n\nC2 compile queue:\nEmpty\n")).isFalse();
        assertThat(JitWarmUp.isIdle("Current compiles: \n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\n"
                + "1255       4       java.util.HashMap::getOrDefault (19 bytes)\n")).isFalse();
    }

    @Test
    void runsAtLeastTheMinimumAndStopsAtTheLimit() {
        AtomicInteger runs = new AtomicInteger();
        JitWarmUp.Result result = JitWarmUp.run(runs::incrementAndGet, 7, Duration.ZERO);
        assertThat(result.steps()).isEqualTo(7);
        assertThat(runs.get()).isEqualTo(7);
        assertThat(result.settled()).isFalse();
    }
}
