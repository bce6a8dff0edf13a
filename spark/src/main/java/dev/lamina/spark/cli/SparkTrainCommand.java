package dev.lamina.spark.cli;

import dev.lamina.examples.cli.MnistOptions;
import dev.lamina.examples.models.MnistModels;
import dev.lamina.examples.report.MetricsCsv;
import dev.lamina.examples.report.ProgressBarReport;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.data.Mnist;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.optim.AdamW;
import dev.lamina.runtime.optim.Sgd;
import dev.lamina.runtime.train.EpochCheckpoints;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.TrainingListener;
import dev.lamina.spark.Example;
import dev.lamina.spark.ModelFactory;
import dev.lamina.spark.OptimizerFactory;
import dev.lamina.spark.SparkTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lamina-spark train --spark MASTER}: trains an MNIST model of the examples on Spark with
 * {@link SparkTrainer} and writes a run directory as {@code lamina train} does ({@code metrics.csv} and
 * {@code checkpoint-epoch-N.lamina}, which {@code lamina evaluate}, {@code predict} and
 * {@code train --resume} read). A main of its own in this optional module, so that the examples' CLI
 * does not depend on Spark.
 */
@Command(name = "train", header = "Train an MNIST network on Apache Spark (data parallel).",
        mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Train the seed network (or --model) on MNIST with synchronous data parallelism",
                "on Spark: each partition trains on its shard and the driver averages",
                "parameters every --local-steps steps (or gradients every step). The driver",
                "shows the progress and writes metrics.csv and checkpoint-epoch-N.lamina.",
                "", MnistOptions.WHERE},
        footerHeading = "%nExamples:%n",
        footer = {"  lamina-spark train --spark local[2] --train-examples 6000",
                "  lamina-spark train --spark local[2] --local-steps 8 --epochs 2",
                "  lamina-spark train --spark spark://host:7077 --partitions 8"})
public final class SparkTrainCommand implements Callable<Integer> {
    /** The optimizers of {@code --optimizer}. */
    enum OptimizerKind { ADAM, ADAMW, SGD }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--spark", required = true, paramLabel = "MASTER",
            description = "Spark master URL: local[N], spark://host:port, yarn, k8s://...")
    String master;

    @Option(names = "--model", defaultValue = "seed", paramLabel = "NAME",
            description = "seed, resnet or vit (default: ${DEFAULT-VALUE}).")
    String modelName;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Shards of the training set (default: Spark's default parallelism).")
    Integer partitions;

    @Option(names = "--mode", defaultValue = "PARAMETER_AVERAGING",
            paramLabel = "PARAMETER_AVERAGING|GRADIENT_AVERAGING",
            description = "Average parameters and optimizer state every --local-steps steps, or gradients every"
                    + " step (default: ${DEFAULT-VALUE}).")
    SparkTrainer.Mode mode;

    @Option(names = "--local-steps", defaultValue = "1", paramLabel = "K",
            description = "Steps of each partition between averages (default: ${DEFAULT-VALUE}).")
    int localSteps;

    @Option(names = "--epochs", defaultValue = "1", paramLabel = "N", description = "Passes (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "N",
            description = "Images per step and partition (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "ADAM", paramLabel = "ADAM|ADAMW|SGD",
            description = "Optimizer (default: ${DEFAULT-VALUE}); no schedules or clipping on Spark yet.")
    OptimizerKind optimizer;

    @Option(names = "--lr", defaultValue = "1e-3", paramLabel = "RATE",
            description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", paramLabel = "M",
            description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
            description = "Seeds initialisation, shuffling and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR",
            description = "Where metrics.csv and the checkpoints go (default: runs/spark-<date>-<time>).")
    Path outputDir;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue the run that wrote this checkpoint (same seed, batch size, optimizer,"
                    + " partitions and --train-examples).")
    Path resume;

    @Option(names = "--train-examples", paramLabel = "N", description = "Train on the first N images only.")
    Integer trainExamples;

    @Option(names = "--test-examples", paramLabel = "N", description = "Evaluate on the first N images only.")
    Integer testExamples;

    @Mixin
    MnistOptions mnist;

    PrintStream out = System.out;

    /** A command whose options picocli fills in from the command line. */
    public SparkTrainCommand() {}

    /**
     * Runs the command and exits with its code.
     *
     * @param args the command line, e.g. {@code --spark local[2]}
     */
    public static void main(String[] args) {
        int code = new CommandLine(new SparkTrainCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }

    @Override
    public Integer call() throws IOException {
        MnistModels.Entry network = MnistModels.builtIn().byName(modelName).orElseThrow(() ->
                new ParameterException(spec.commandLine(), "--model must be seed, resnet or vit, found '"
                        + modelName + "'"));
        if (resume != null) {
            CheckpointFile.read(resume); // a clear error before Spark starts
        }
        Mnist loaded = mnist.load();
        Dataset train = first(loaded.train(), trainExamples);
        Dataset test = first(loaded.test(), testExamples);
        Path dir = outputDir != null ? outputDir : Path.of("runs", "spark-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        Files.createDirectories(dir);

        SparkSession session = SparkSession.builder().master(master).appName("lamina-train").getOrCreate();
        try {
            JavaSparkContext spark = JavaSparkContext.fromSparkContext(session.sparkContext());
            int shards = partitions != null ? partitions : spark.defaultParallelism();
            out.printf(Locale.ROOT, "Training the %s on Spark %s (%s, %d partitions): %,d images, testing on %,d;"
                            + " %s, K = %d, batch %d per partition, %s lr %s, seed %d%nWriting to %s%n",
                    network.title(), session.version(), master, shards, train.size(), test.size(), mode, localSteps,
                    batchSize, optimizer, lr, seed, dir);
            ModelFactory factory = modelFactory(network.name());
            SparkTrainer.Builder builder = SparkTrainer.builder(spark, factory, optimizerFactory())
                    .mode(mode).localSteps(localSteps).epochs(epochs).batchSize(batchSize).seed(seed)
                    .progress(ProgressBarReport.forConsole(out));
            LateCheckpoints checkpoints = new LateCheckpoints(dir);
            builder.listener(checkpoints);
            builder.listener(resume == null ? new MetricsCsv(dir.resolve("metrics.csv"))
                    : MetricsCsv.resuming(dir.resolve("metrics.csv"), siblingMetrics(resume)));
            if (resume != null) {
                builder.resumeFrom(resume);
            }
            SparkTrainer trainer = builder.build();
            checkpoints.bind(trainer.model(), trainer);
            List<EpochMetrics> history = trainer.fit(spark.parallelize(examples(train), shards), test);
            out.printf(Locale.ROOT, "Trained %d epoch(s); checkpoints and metrics.csv in %s%n", history.size(), dir);
            return 0;
        } finally {
            session.stop();
        }
    }

    /**
     * The generated class's {@code create}, by model name: a serialisable method reference (the
     * registry's own factories are plain {@code LongFunction}s).
     */
    static ModelFactory modelFactory(String name) {
        return switch (name) {
            case "seed" -> dev.lamina.examples.models.LaminaSeedNet::create;
            case "resnet" -> dev.lamina.examples.models.LaminaMnistResNet::create;
            case "vit" -> dev.lamina.examples.models.LaminaMnistViT::create;
            default -> throw new IllegalArgumentException("no model " + name);
        };
    }

    private OptimizerFactory optimizerFactory() {
        double rate = lr;
        double m = momentum;
        return switch (optimizer) {
            case ADAM -> () -> Adam.builder().lr(rate).build();
            case ADAMW -> () -> AdamW.builder().lr(rate).build();
            case SGD -> () -> Sgd.builder(rate).momentum(m).build();
        };
    }

    private static Dataset first(Dataset data, Integer limit) {
        return limit == null || limit >= data.size() ? data : data.slice(0, limit);
    }

    private static Path siblingMetrics(Path checkpoint) {
        Path parent = checkpoint.toAbsolutePath().getParent();
        return parent == null ? null : parent.resolve("metrics.csv");
    }

    /** The images as examples: each {@code [1, 28, 28]} image flattened in C order. */
    static List<Example> examples(Dataset data) {
        INDArray features = data.features();
        float[][] rows = features.reshape('c', data.size(), features.length() / data.size()).toFloatMatrix();
        List<Example> examples = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            examples.add(new Example(rows[i], data.classOf(i)));
        }
        return examples;
    }

    /**
     * {@link EpochCheckpoints} of the driver's model, which exists only once the trainer is built
     * (after its listeners are given).
     */
    private static final class LateCheckpoints implements TrainingListener {
        private final Path dir;
        private EpochCheckpoints delegate;

        LateCheckpoints(Path dir) {
            this.dir = dir;
        }

        void bind(Model model, SparkTrainer trainer) {
            delegate = new EpochCheckpoints(model, trainer.optimizer(), dir);
        }

        @Override
        public void onEpochEnd(EpochMetrics metrics, dev.lamina.runtime.checkpoint.TrainingPosition position) {
            delegate.onEpochEnd(metrics, position);
        }
    }
}
