package dev.lamina.processor.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Models.model;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.lint.LintRules;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.runtime.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What {@link Model}'s Javadoc promises about threads for a generated model: inference from several
 * threads at once gives the outputs of sequential calls, and each layer observer sees only its own
 * call's layers.
 */
class GeneratedModelThreadsTest {
    /** Conv-BN-ReLU-pool and Dense-BN: the inference pass folds both BatchNorms into scratch arrays. */
    private static final String[] LAYERS = {
        "@Conv2d(filters = 4, kernel = 3) Layer conv();",
        "@BatchNorm Layer bn();",
        "@ReLU Layer act();",
        "@MaxPool2d(2) Layer pool();",
        "@Flatten Layer flatten();",
        "@Dense(6) Layer hidden();",
        "@BatchNorm Layer bn2();",
        "@Tanh Layer squash();",
        "@Dense(3) Layer logits();",
    };
    private static final int THREADS = 4;

    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    static void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private static Model create() throws ReflectiveOperationException {
        List<String> options = new ArrayList<>();
        LintRules.all().forEach(r -> options.add("-Alamina.lint." + r.id() + "=OFF"));
        Compilation compilation = Compiler.javac().withProcessors(new LaminaProcessor()).withOptions(options)
                .compile(model("ThreadNet", "input = {1, 10, 10}", LAYERS));
        assertThat(compilation).succeeded();
        Class<?> generated = new GeneratedClassLoader(compilation).loadClass("test.LaminaThreadNet");
        Model model = (Model) generated.getMethod("create", long.class).invoke(null, 3L);
        // running statistics other than 0 and 1, so that folding them matters
        model.forward(Nd4j.rand(DataType.FLOAT, 16, 1, 10, 10).muli(3), true);
        return model;
    }

    @Test
    void inferenceFromFourThreadsGivesTheOutputsOfSequentialCalls() throws Exception {
        Model model = create();
        INDArray[] inputs = new INDArray[THREADS];
        INDArray[] expected = new INDArray[THREADS];
        for (int t = 0; t < THREADS; t++) {
            Nd4j.getRandom().setSeed(100 + t);
            inputs[t] = Nd4j.randn(DataType.FLOAT, 2 + t, 1, 10, 10);
            expected[t] = model.forward(inputs[t], false).dup();
        }

        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<Integer>> mismatches = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int mine = t;
            mismatches.add(pool.submit(() -> {
                start.await();
                int wrong = 0;
                for (int i = 0; i < 200; i++) {
                    INDArray y = i % 3 == 2
                            ? model.forward(inputs[mine], false, (layer, out) -> { })
                            : model.forward(inputs[mine], false);
                    wrong += y.equalsWithEps(expected[mine], 1e-6) ? 0 : 1;
                }
                return wrong;
            }));
        }
        for (int t = 0; t < THREADS; t++) {
            assertWithMessage("outputs of thread %s that differ from the sequential ones", t)
                    .that(mismatches.get(t).get(2, TimeUnit.MINUTES)).isEqualTo(0);
        }
    }

    @Test
    void twoThreadsWithObserversEachSeeOnlyTheirOwnLayers() throws Exception {
        Model model = create();
        List<String> layerNames = model.layers().stream().map(dev.lamina.dsl.Layer::name).toList();
        CyclicBarrier start = new CyclicBarrier(3);
        List<Future<List<String>>> watchers = new ArrayList<>();
        for (int batch : new int[] {2, 5}) {
            watchers.add(pool.submit(() -> {
                INDArray x = Nd4j.rand(DataType.FLOAT, batch, 1, 10, 10);
                Thread me = Thread.currentThread();
                List<String> problems = new ArrayList<>();
                start.await();
                for (int i = 0; i < 150; i++) {
                    List<String> seen = new ArrayList<>();
                    model.forward(x, false, (layer, out) -> {
                        seen.add(layer);
                        if (Thread.currentThread() != me || out.size(0) != batch) {
                            problems.add(layer + " on " + Thread.currentThread().getName() + ", batch " + out.size(0));
                        }
                    });
                    // each layer once (in the order they run, which a rewrite may change: see LayerObserver)
                    if (seen.size() != layerNames.size() || !seen.containsAll(layerNames)) {
                        problems.add("call " + i + " saw " + seen);
                    }
                    if (model.firstNonFiniteLayer(x, false).isPresent()) {
                        problems.add("call " + i + ": a non-finite layer in a finite pass");
                    }
                }
                return problems;
            }));
        }
        // a third thread runs plain inference meanwhile: nobody may observe it
        Future<?> plain = pool.submit(() -> {
            INDArray x = Nd4j.rand(DataType.FLOAT, 7, 1, 10, 10);
            start.await();
            for (int i = 0; i < 300; i++) {
                model.forward(x, false);
            }
            return null;
        });
        plain.get(2, TimeUnit.MINUTES);
        for (Future<List<String>> watcher : watchers) {
            List<String> problems = watcher.get(2, TimeUnit.MINUTES);
            assertWithMessage("first problems %s", problems.subList(0, Math.min(5, problems.size())))
                    .that(problems).isEmpty();
        }
    }
}
