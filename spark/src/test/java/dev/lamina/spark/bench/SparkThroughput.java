package dev.lamina.spark.bench;

import dev.lamina.examples.models.LaminaSeedNet;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.Trainer;
import dev.lamina.runtime.train.TrainingListener;
import dev.lamina.spark.Example;
import dev.lamina.spark.SparkTrainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Prints the training throughput of the seed network (Adam 1e-3, batch 128 per worker) on the
 * single-machine {@link Trainer} and on {@link SparkTrainer} with {@code local[1]} and {@code local[2]}
 * masters, for each K (local steps per round of parameter averaging) and for gradient averaging, so
 * that the engine's cost per round can be read off: {@code seconds per round = 1 / rounds per second}.
 * The images are random (speed does not depend on pixel values), so no dataset is needed.
 *
 * <p>Run on an idle machine, from the root: {@code mvn -B -ntp -Pthroughput -DskipTests package}, with
 * {@code -Dthroughput.args="examples=12800 k=1,8,32 masters=local[1],local[2]"} to change the defaults
 * (shown). Each configuration trains one epoch after one warm-up epoch on the same data.
 */
public final class SparkThroughput {
    private SparkThroughput() {}

    /**
     * Runs the measurements and prints one line each.
     *
     * @param args {@code key=value} settings: {@code examples}, {@code batch}, {@code k} (comma-separated),
     *             {@code masters} (comma-separated Spark master URLs)
     */
    public static void main(String[] args) {
        int examples = 12_800;
        int batch = 128;
        int[] ks = {1, 8, 32};
        String[] masters = {"local[1]", "local[2]"};
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "examples" -> examples = Integer.parseInt(kv[1]);
                case "batch" -> batch = Integer.parseInt(kv[1]);
                case "k" -> ks = Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "masters" -> masters = kv[1].split(",");
                default -> throw new IllegalArgumentException("unknown setting " + arg
                        + "; known: examples, batch, k, masters");
            }
        }
        List<Example> data = randomImages(examples, 1);
        Dataset local = toDataset(data);
        System.out.printf(Locale.ROOT, "seed network, %d random 28x28 images, batch %d per worker, Adam 1e-3%n",
                examples, batch);
        Trainer.builder(LaminaSeedNet.create(0), new Adam(1e-3)).batchSize(batch).progress(TrainingListener.NONE)
                .build().fit(local, local.slice(0, 500));
        EpochMetrics single = Trainer.builder(LaminaSeedNet.create(0), new Adam(1e-3)).batchSize(batch)
                .progress(TrainingListener.NONE).build().fit(local, local.slice(0, 500)).get(0);
        System.out.printf(Locale.ROOT, "%-30s %8.1f img/s%n", "Trainer (one JVM, no Spark)", single.imagesPerSecond());
        for (String master : masters) {
            SparkSession session = SparkSession.builder().master(master).appName("lamina-spark-throughput")
                    .config("spark.ui.enabled", "false").getOrCreate();
            session.sparkContext().setLogLevel("WARN");
            JavaSparkContext spark = JavaSparkContext.fromSparkContext(session.sparkContext());
            int partitions = spark.defaultParallelism();
            var rdd = spark.parallelize(data, partitions).cache();
            int rounds0 = (examples / partitions + batch - 1) / batch;
            for (int k : ks) {
                measure(spark, rdd, master, SparkTrainer.Mode.PARAMETER_AVERAGING, k, batch, (rounds0 + k - 1) / k);
            }
            measure(spark, rdd, master, SparkTrainer.Mode.GRADIENT_AVERAGING, 1, batch, rounds0);
            session.stop();
        }
    }

    private static void measure(JavaSparkContext spark, org.apache.spark.api.java.JavaRDD<Example> rdd, String master,
            SparkTrainer.Mode mode, int k, int batch, int rounds) {
        SparkTrainer trainer = SparkTrainer.builder(spark, LaminaSeedNet::create, () -> new Adam(1e-3)).mode(mode)
                .localSteps(k).batchSize(batch).epochs(2).progress(TrainingListener.NONE).build();
        List<EpochMetrics> epochs = trainer.fit(rdd, null);
        EpochMetrics measured = epochs.get(1);
        String name = master + " " + (mode == SparkTrainer.Mode.PARAMETER_AVERAGING ? "K=" + k : "gradient avg");
        System.out.printf(Locale.ROOT, "%-30s %8.1f img/s  %6.3f s/round (%d rounds)%n", name,
                measured.imagesPerSecond(), measured.elapsedSeconds() / rounds, rounds);
    }

    private static List<Example> randomImages(int n, long seed) {
        Random random = new Random(seed);
        List<Example> examples = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] pixels = new float[784];
            for (int j = 0; j < pixels.length; j++) {
                pixels[j] = random.nextFloat();
            }
            examples.add(new Example(pixels, random.nextInt(10)));
        }
        return examples;
    }

    private static Dataset toDataset(List<Example> data) {
        float[] pixels = new float[data.size() * 784];
        int[] labels = new int[data.size()];
        for (int i = 0; i < data.size(); i++) {
            System.arraycopy(data.get(i).features(), 0, pixels, i * 784, 784);
            labels[i] = data.get(i).label();
        }
        return Dataset.of(Nd4j.create(pixels, new long[] {data.size(), 1, 28, 28}, 'c'), labels, 10);
    }
}
