package dev.lamina.spark;

import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.factory.Nd4j;

/** One in-process Spark for all test classes, and the synthetic data they train on. */
final class SparkTests {
    private SparkTests() {}

    private static SparkSession session;

    /**
     * Two worker threads; a failed task is tried up to twice ({@code local[N,F]}: in local mode only
     * the master URL sets the attempts, {@code spark.task.maxFailures} is ignored).
     */
    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2,2]")
                    .appName("lamina-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }

    static JavaSparkContext context() {
        return JavaSparkContext.fromSparkContext(session().sparkContext());
    }

    /** {@code n} examples of 6 features in 3 Gaussian clusters, deterministic in {@code seed}. */
    static List<Example> examples(int n, long seed) {
        Random random = new Random(seed);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(3);
            float[] x = new float[6];
            for (int j = 0; j < 6; j++) {
                x[j] = (float) (random.nextGaussian() * 0.7 + (j % 3 == label ? 1.5 : 0));
            }
            examples.add(new Example(x, label));
        }
        return examples;
    }

    /** The same examples as a runtime dataset, {@code [N, 6]} FLOAT with one-hot labels. */
    static Dataset dataset(List<Example> examples) {
        float[][] x = new float[examples.size()][];
        int[] labels = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            x[i] = examples.get(i).features();
            labels[i] = examples.get(i).label();
        }
        return Dataset.of(Nd4j.create(x), labels, 3);
    }

    /** Every parameter and buffer of {@code model}, flattened, by name. */
    static Map<String, float[]> state(Model model) {
        Map<String, float[]> state = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            state.put(p.name(), p.value().dup('c').data().asFloat());
        }
        model.buffers().forEach((name, b) -> state.put(name, b.dup('c').data().asFloat()));
        return state;
    }
}
