package dev.lamina.examples.cli;

import dev.lamina.examples.models.MnistModels;
import dev.lamina.examples.models.TrainingDefaults;
import dev.lamina.examples.report.MetricsCsv;
import dev.lamina.examples.report.ProgressBarReport;
import dev.lamina.examples.report.TrainingCurves;
import dev.lamina.runtime.checkpoint.Checkpoint;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.checkpoint.TrainingPosition;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.data.Mnist;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.optim.AdamW;
import dev.lamina.runtime.optim.LearningRateSchedule;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.optim.Sgd;
import dev.lamina.runtime.train.EarlyStopping;
import dev.lamina.runtime.train.EpochCheckpoints;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.Trainer;
import dev.lamina.runtime.train.TrainingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Trains the seed network (or {@code --model}) on MNIST and writes a run directory: {@code metrics.csv} (a row per epoch),
 * {@code curves.png} (loss and accuracy per epoch, train and test; redrawn after every epoch) and
 * {@code checkpoint-epoch-N.lamina} per epoch. Each epoch writes its checkpoint first, then its row,
 * then the curves, each file atomically. {@code --resume} into the run's own directory keeps the
 * earlier rows and appends the new ones; into another directory it copies the earlier rows from the
 * checkpoint's {@code metrics.csv}. Those rows must be exactly epochs 1 to the checkpoint's epoch, the
 * last one written by the run that wrote the checkpoint (its {@code run_id}; else the resume is
 * refused, exit code 2, naming the file and the missing epochs or the other run; with no such file at all it starts at
 * the next epoch and says so), and checkpoints of later epochs in the output directory, of the run the
 * resume abandons, are moved aside to {@code checkpoint-epoch-N-before-resume-at-epoch-E.lamina}.
 */
@Command(name = "train", 
        header = "Train a network on MNIST; write metrics, curves and checkpoints.",
        mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Train the seed network (or --model) on MNIST. Shows a progress bar per",
                "epoch (images/second, ETA) and a line per epoch: train loss and accuracy,",
                "test loss and accuracy.",
                "",
                "Writes to the output directory (default: runs/<date>-<time>, created in",
                "the current directory):",
                "  metrics.csv                one row per epoch: losses, accuracies, speed,",
                "                             the id of the run (invocation) that trained it",
                "  curves.png                 loss and accuracy per epoch, train and test",
                "  checkpoint-epoch-N.lamina  model and optimizer after epoch N, for",
                "                             `evaluate`, `predict` and `train --resume`",
                "",
                MnistOptions.WHERE},
        footerHeading = "%nExamples:%n",
        footer = {"  lamina train                        one epoch on all 60,000 images",
                "  lamina train --train-examples 2000  a quick try",
                "  lamina train --epochs 10 --early-stopping-patience 2",
                "  lamina train --model resnet --epochs 2",
                "  lamina train --model vit --epochs 3  AdamW, warm-up and cosine decay",
                "  lamina train --optimizer adamw --weight-decay 0.05 --schedule warmup-cosine \\",
                "      --warmup-steps 10% --clip-grad-norm 1",
                "  lamina train --epochs 5 --resume runs/<run>/checkpoint-epoch-3.lamina"})
final class TrainCommand implements Callable<Integer> {
    /** The optimizers of {@code --optimizer}. */
    enum OptimizerKind { ADAM, ADAMW, SGD }

    /** Loads MNIST; tests replace it with small synthetic data. */
    interface DataSource {
        Mnist load(MnistOptions options) throws IOException;
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--epochs", defaultValue = "1", paramLabel = "N",
            description = "Passes over the training images (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "N",
            description = "Images per optimizer step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--optimizer", paramLabel = "ADAM|ADAMW|SGD",
            description = "ADAM, ADAMW (Adam with decoupled weight decay) or SGD (default: the model's; ADAM for"
                    + " seed and resnet, ADAMW for vit).")
    OptimizerKind optimizer;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate; with a schedule, its peak (default: the model's; 1e-3, PyTorch's Adam"
                    + " default, for seed and resnet, 2e-3 for vit; try 0.05 with SGD).")
    Double learningRate;

    @Option(names = "--weight-decay", paramLabel = "WD",
            description = "AdamW's decoupled weight decay: every step multiplies each weight by 1 - lr * WD"
                    + " (default: the model's; 0.05 for vit, else 0.01, PyTorch's AdamW default). ADAMW only.")
    Double weightDecay;

    @Option(names = "--schedule", paramLabel = "constant|warmup-cosine",
            description = "The learning rate per step: constant (after --warmup-steps of linear warm-up, if"
                    + " given) or warmup-cosine (linear warm-up from 0, then half a cosine down to --min-lr at"
                    + " the end of the run, step epochs x batches per epoch) (default: the model's; constant for"
                    + " seed and resnet, warmup-cosine for vit).")
    String schedule;

    @Option(names = "--warmup-steps", paramLabel = "N|P%",
            description = "Steps of linear warm-up from 0 to --lr: a number of optimizer steps, or a percentage of"
                    + " the run's steps (10%%) (default: the model's; 0 for seed and resnet, 300 for vit, or a fifth"
                    + " of the run if that is less).")
    String warmupSteps;

    @Option(names = "--min-lr", paramLabel = "RATE",
            description = "The rate warmup-cosine ends on (default: the model's; 1e-5 for vit, else 0).")
    Double minLr;

    @Option(names = "--clip-grad-norm", paramLabel = "X",
            description = "Scale the gradients down to global L2 norm X when it is larger, as PyTorch's"
                    + " clip_grad_norm_; 0 turns clipping off (default: the model's; 1 for vit, else off)."
                    + " With clipping on, the progress shows the norm before clipping.")
    Double clipGradNorm;

    @Option(names = "--momentum", defaultValue = "0.9", paramLabel = "M",
            description = "SGD momentum; ignored by Adam (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
            description = "Seeds initialisation, shuffling and dropout; the same seed gives the same run"
                    + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR",
            description = "Where to write metrics.csv, curves.png and the checkpoints (default: runs/<date>-<time>,"
                    + " a new directory under the current one). Without --resume, it must not hold a run already.")
    Path outputDir;

    @Option(names = "--early-stopping-patience", paramLabel = "EPOCHS",
            description = "Stop when the test loss has not improved for this many epochs in a row (default: off;"
                    + " train all --epochs).")
    Integer patience;

    @Option(names = "--min-delta", defaultValue = "0", paramLabel = "LOSS",
            description = "With --early-stopping-patience: how much lower the test loss must be to count as an"
                    + " improvement (default: ${DEFAULT-VALUE}).")
    double minDelta;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue the run that wrote this checkpoint, up to --epochs in total. --seed,"
                    + " --batch-size, --train-examples and --test-examples default to that run's (recorded in the"
                    + " checkpoint); give the same --optimizer as that run (and the same --lr and"
                    + " schedule options: the schedule continues from the checkpoint's step count; a larger --epochs"
                    + " stretches the cosine from there on). With -o set to that"
                    + " run's directory, the new epochs' rows are appended to its metrics.csv (kept as it is if the"
                    + " checkpoint is refused); elsewhere, the new metrics.csv starts with that run's earlier rows."
                    + " Those rows must be the checkpoint's own (its run id is in the run_id column).")
    Path resume;

    @Option(names = "--train-examples", paramLabel = "N",
            description = "Train on the first N training images only (default: all 60,000).")
    Integer trainExamples;

    @Option(names = "--test-examples", paramLabel = "N",
            description = "Evaluate on the first N test images only (default: all 10,000).")
    Integer testExamples;

    @Mixin
    ModelOption modelOption;

    @Mixin
    MnistOptions mnist;

    /** Checkpoint metadata: the id of the invocation that wrote it, also in its metrics rows' run_id. */
    static final String RUN_ID = "run.id";
    /** Checkpoint metadata: the size of the test set the run evaluated on. */
    static final String TEST_EXAMPLES = "test.examples";

    DataSource data = MnistOptions::load;
    PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        validate();
        // A resumed run is of the checkpoint's model, which --model, when given, must name.
        Checkpoint checkpoint = resume == null ? null : CheckpointFile.read(resume);
        if (checkpoint != null) {
            takeSettingsFrom(checkpoint);
        }
        // Each invocation, a resume included, is a run of its own id: its rows and checkpoints carry it.
        String runId = UUID.randomUUID().toString();
        MnistModels.Entry network = resume == null ? modelOption.resolve(spec.commandLine())
                : modelOption.forCheckpoint(checkpoint, resume, spec.commandLine());
        Mnist loaded = data.load(mnist);
        Dataset train = MnistOptions.first(loaded.train(), trainExamples);
        Dataset test = MnistOptions.first(loaded.test(), testExamples);
        MnistOptions.noteClamped(out, "--train-examples", trainExamples, loaded.train().size(), "training");
        MnistOptions.noteClamped(out, "--test-examples", testExamples, loaded.test().size(), "test");
        // Checked before anything is written: the run's length bounds the warm-up.
        Recipe recipe = recipe(network, (long) epochs * ((train.size() + batchSize - 1) / batchSize));
        Model model = network.create(seed);
        Optimizer opt = recipe.optimizer(momentum);
        if (checkpoint != null) {
            // The whole checkpoint is checked against this run before anything is printed or written.
            checkResumedRun(checkpoint, train.size(), test.size());
            checkpoint.restoreInto(model, opt, resume);
        }
        Path dir = outputDir != null ? outputDir : newRunDirectory(Path.of("runs"));
        String noHistory = checkpoint == null ? null : checkResumedHistory(dir, checkpoint);
        Files.createDirectories(dir);

        out.println("Lamina " + network.title() + " (generated at compile time from " + network.source() + "):");
        out.print(model.summary(batchSize));
        out.printf(Locale.ROOT, "Training on %,d images, testing on %,d; %d epoch(s), batch %d, %s lr %s, seed %d%n",
                train.size(), test.size(), epochs, batchSize, recipe.optimizerKind(), recipe.lr(), seed);
        out.println(recipe.describe());
        out.println("Writing to " + dir + (dir.isAbsolute() ? "" : " (in " + Path.of("").toAbsolutePath() + ")"));
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            out.println("Note: OMP_WAIT_POLICY is not set, so idle native threads spin and take cores from the"
                    + " kernels; `export OMP_WAIT_POLICY=PASSIVE` before starting Java trains 1.5x (idle) to 3x (busy)"
                    + " faster on 2 cores (bin/lamina and mvn -Ptrain set it).");
        }

        if (noHistory != null) {
            out.println(noHistory);
        }
        TrainingListener progress = ProgressBarReport.forConsole(out);
        EpochCheckpoints checkpoints = new EpochCheckpoints(model, opt, dir,
                Map.of(RUN_ID, runId, TEST_EXAMPLES, Integer.toString(test.size())));
        // A resumed run keeps its history: the file is read, and rewritten, only once the checkpoint is accepted.
        MetricsCsv metrics = resume == null
                ? new MetricsCsv(dir.resolve("metrics.csv"), runId)
                : MetricsCsv.resuming(dir.resolve("metrics.csv"), resumedRunMetrics(), runId);
        CurvesWriter curves = new CurvesWriter(dir.resolve("curves.png"), metrics, out);
        EarlyStopping stopping = patience == null ? null : new EarlyStopping(patience, minDelta);
        // In this order: an epoch's metrics row and curves only once its checkpoint is written.
        Trainer.Builder trainer = Trainer.builder(model, opt)
                .epochs(epochs)
                .batchSize(batchSize)
                .seed(seed)
                .progress(progress)
                .listener(new AbandonedCheckpoints(dir, out))
                .listener(checkpoints)
                .listener(metrics)
                .listener(curves);
        if (stopping != null) {
            trainer.listener(stopping);
        }
        trainer.schedule(recipe.schedule());
        if (recipe.clipGradNorm() > 0) {
            trainer.clipGradNorm(recipe.clipGradNorm());
        }
        if (resume != null) {
            trainer.resumeFrom(resume);
        }
        dropLastBatchOfOne(model, train.size()).ifPresent(note -> {
            trainer.dropLast(true);
            out.println(note);
        });
        List<EpochMetrics> history;
        try {
            history = trainer.build().fit(train, test);
        } finally {
            if (progress instanceof ProgressBarReport bar) {
                bar.closeBar();
            }
        }
        if (stopping != null) {
            stopping.reason().ifPresent(out::println);
        }
        report(dir, history, checkpoints, stopping);
        return 0;
    }

    /**
     * The note printed once when the training set leaves a last batch of one example and the model has
     * a layer that cannot train on one ({@link Model#layerNeedingTwoExamples()}): the run then drops that
     * batch (the trainer's drop-last, as PyTorch's {@code drop_last}); empty otherwise.
     */
    Optional<String> dropLastBatchOfOne(Model model, int trainExamples) {
        if (trainExamples <= batchSize || trainExamples % batchSize != 1) {
            return Optional.empty();
        }
        return model.layerNeedingTwoExamples().map(layer -> String.format(Locale.ROOT, "Note: %,d training images in"
                + " batches of %d leave a last batch of 1 image, and layer '%s' (BatchNorm over %s) has one value per"
                + " channel per image, so it cannot train on it: each epoch drops that batch (drop-last, as PyTorch's"
                + " drop_last; a different image each epoch). Another --batch-size keeps every image.", trainExamples,
                batchSize, layer.name(), Arrays.toString(layer.outputShape())));
    }

    private void validate() {
        List<String> problems = new ArrayList<>();
        if (epochs < 1) {
            problems.add("--epochs must be at least 1, found " + epochs);
        }
        if (batchSize < 1) {
            problems.add("--batch-size must be at least 1, found " + batchSize);
        }
        if (learningRate != null && (!(learningRate >= 0) || Double.isInfinite(learningRate))) {
            problems.add("--lr must be a finite number >= 0, found " + learningRate);
        }
        if (weightDecay != null && (!(weightDecay >= 0) || Double.isInfinite(weightDecay))) {
            problems.add("--weight-decay must be a finite number >= 0, found " + weightDecay);
        }
        if (schedule != null && TrainingDefaults.Schedule.parse(schedule) == null) {
            problems.add("--schedule must be constant or warmup-cosine, found '" + schedule + "'");
        }
        if (warmupSteps != null && !WARMUP.matcher(warmupSteps).matches()) {
            problems.add("--warmup-steps must be a number of steps >= 0 or a percentage from 0% to 100%, found '"
                    + warmupSteps + "'");
        } else if (warmupSteps != null && warmupSteps.endsWith("%")
                && Double.parseDouble(warmupSteps.substring(0, warmupSteps.length() - 1)) > 100) {
            problems.add("--warmup-steps must be a percentage from 0% to 100% of the run, found " + warmupSteps);
        }
        if (minLr != null && (!(minLr >= 0) || Double.isInfinite(minLr))) {
            problems.add("--min-lr must be a finite number >= 0, found " + minLr);
        }
        if (clipGradNorm != null && (!(clipGradNorm >= 0) || Double.isInfinite(clipGradNorm))) {
            problems.add("--clip-grad-norm must be a finite number > 0, or 0 for no clipping, found " + clipGradNorm);
        }
        if (patience != null && patience < 1) {
            problems.add("--early-stopping-patience must be at least 1 epoch, found " + patience);
        }
        if (!(minDelta >= 0)) {
            problems.add("--min-delta must be >= 0, found " + minDelta);
        }
        if (trainExamples != null && trainExamples < 1) {
            problems.add("--train-examples must be at least 1, found " + trainExamples);
        }
        if (testExamples != null && testExamples < 1) {
            problems.add("--test-examples must be at least 1, found " + testExamples);
        }
        if (modelOption.problem() != null) {
            problems.add(modelOption.problem());
        }
        // A missing --resume file, or a directory, is reported by the checkpoint reader as for `evaluate`.
        if (outputDir != null && Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
            problems.add("-o " + outputDir + " is a file, not a directory; give a directory for the run's files"
                    + " (a new one is created)");
        }
        if (resume == null && outputDir != null && holdsARun(outputDir)) {
            problems.add("-o " + outputDir + " already holds a run (" + outputDir.resolve("metrics.csv")
                    + "), which a new run would overwrite; continue it with --resume " + outputDir
                    + "/checkpoint-epoch-N.lamina, or give another -o");
        }
        if (!problems.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join("; ", problems));
        }
    }

    /**
     * Whether {@code dir} holds a run a new one would overwrite: a {@code metrics.csv} with an epoch row
     * (or one that is not a metrics file), or a checkpoint. A run that stopped in its first epoch (e.g. it
     * diverged) leaves a header-only {@code metrics.csv} and no checkpoint: nothing to lose, so the
     * directory can be used again.
     */
    private static boolean holdsARun(Path dir) {
        Path metrics = dir.resolve("metrics.csv");
        if (!Files.exists(metrics)) {
            return false;
        }
        try (var files = Files.list(dir)) {
            if (files.anyMatch(f -> f.getFileName().toString().matches("checkpoint-epoch-.*\\.lamina"))) {
                return true;
            }
            return !MetricsCsv.read(metrics).isEmpty();
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /**
     * A resumed run takes the settings its checkpoint records (seed, batch size, training-set size, and
     * the test-set size in its metadata) for the options not given; given ones must match, which
     * {@link #checkResumedRun} checks. A checkpoint of format version 1 records no test-set size: then
     * {@code --test-examples} is neither defaulted nor checked.
     */
    private void takeSettingsFrom(Checkpoint checkpoint) {
        TrainingPosition saved = checkpoint.position();
        Integer savedTest = recordedTestExamples(checkpoint);
        if (testExamples == null && savedTest != null) {
            testExamples = savedTest;
        }
        var given = spec.commandLine().getParseResult();
        if (!given.hasMatchedOption("--seed")) {
            seed = saved.seed();
        }
        if (!given.hasMatchedOption("--batch-size")) {
            batchSize = saved.batchSize();
        }
        if (trainExamples == null) {
            trainExamples = saved.examples();
        }
    }

    /**
     * A resumed run continues the batches of the run it resumes: the same seed (shuffling, dropout),
     * batch size and training set. The trainer checks this too; here it is a usage error that says
     * which options to give.
     */
    private void checkResumedRun(Checkpoint checkpoint, int trainSize, int testSize) {
        TrainingPosition saved = checkpoint.position();
        if (saved.seed() != seed || saved.batchSize() != batchSize || saved.examples() != trainSize) {
            throw new ParameterException(spec.commandLine(), "--resume " + resume + " continues a run with --seed "
                    + saved.seed() + ", --batch-size " + saved.batchSize() + " and " + saved.examples()
                    + " training images, but this one has --seed " + seed + ", --batch-size " + batchSize + " and "
                    + trainSize + " training images; give the options of that run (--train-examples "
                    + saved.examples() + " for its images)");
        }
        // The test set is the history's too: its rows' test loss and accuracy must stay comparable.
        Integer savedTest = recordedTestExamples(checkpoint);
        if (savedTest != null && savedTest != testSize) {
            throw new ParameterException(spec.commandLine(), "--resume " + resume + " continues a run tested on "
                    + savedTest + " test images, but this one tests on " + testSize + "; leave out --test-examples"
                    + " (or give " + savedTest + "), or start a new run for another test set");
        }
    }

    /** The test-set size a checkpoint's metadata records, or null (format version 1). */
    private Integer recordedTestExamples(Checkpoint checkpoint) {
        String value = checkpoint.metadata().get(TEST_EXAMPLES);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--resume " + resume + " records " + TEST_EXAMPLES
                    + " = '" + value + "', not a number of images; the file was not written by `lamina train`");
        }
    }

    /**
     * A resumed run's {@code metrics.csv} starts with the rows of the epochs its checkpoint finished,
     * from the output directory's {@code metrics.csv} or else the one beside the checkpoint; those rows
     * must be exactly epochs 1 to {@code epoch}, or the history would mix runs or skip epochs silently.
     *
     * @return a note to print when there are no earlier rows at all, else null
     * @throws ParameterException (exit code 2) when the earlier rows are not epochs 1 to {@code epoch}
     */
    private String checkResumedHistory(Path dir, Checkpoint checkpoint) throws IOException {
        int epoch = checkpoint.position().epoch();
        Path file = dir.resolve("metrics.csv");
        Path source = MetricsCsv.historySource(file, resumedRunMetrics());
        if (source == null) {
            return epoch == 0 ? null : "Note: no metrics.csv holds the rows of epochs 1 to " + epoch + " of the run"
                    + " resumed (none in " + dir + " or beside " + resume + "); " + file + " starts at epoch "
                    + (epoch + 1) + ".";
        }
        Optional<String> problem = MetricsCsv.historyProblem(source, epoch, checkpoint.metadata().get(RUN_ID));
        if (problem.isPresent()) {
            throw new ParameterException(spec.commandLine(), "--resume " + resume + " finished epoch " + epoch
                    + ", but its history is not whole: " + problem.get() + " (rows of another run, or of a resume"
                    + " from another epoch); move " + source + " aside to start " + file + " at epoch " + (epoch + 1)
                    + " without earlier rows, or give -o a new directory with the checkpoint's own metrics.csv"
                    + " beside it");
        }
        return null;
    }

    /**
     * When a run resumes at epoch E into a directory holding checkpoints of later epochs (of the run it
     * abandons), moves each {@code checkpoint-epoch-N.lamina}, N &gt; E, aside to
     * {@code checkpoint-epoch-N-before-resume-at-epoch-E.lamina} as {@link MetricsCsv} does with the
     * rows, so that no checkpoint of the old branch sits beside the new branch's rows. It runs once the
     * trainer has accepted the checkpoint.
     */
    private final class AbandonedCheckpoints implements TrainingListener {
        private final Path dir;
        private final PrintStream out;

        AbandonedCheckpoints(Path dir, PrintStream out) {
            this.dir = dir;
            this.out = out;
        }

        @Override
        public void onResumed(Path checkpoint, TrainingPosition position, int batchCount) {
            java.util.regex.Pattern name = java.util.regex.Pattern.compile("checkpoint-epoch-(\\d{1,9})\\.lamina");
            try (var files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    var m = name.matcher(f.getFileName().toString());
                    if (!m.matches() || Integer.parseInt(m.group(1)) <= position.epoch()
                            || f.toAbsolutePath().normalize().equals(checkpoint.toAbsolutePath().normalize())) {
                        continue;
                    }
                    String base = "checkpoint-epoch-" + m.group(1) + "-before-resume-at-epoch-" + position.epoch();
                    Path aside = dir.resolve(base + ".lamina");
                    for (int i = 2; Files.exists(aside); i++) {
                        aside = dir.resolve(base + "-" + i + ".lamina");
                    }
                    Files.move(f, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    out.println("Moved " + f + ", of the run resumed at epoch " + position.epoch() + ", to " + aside);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("could not move aside the later checkpoints in " + dir + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** A warm-up: steps, or a percentage of the run. */
    private static final java.util.regex.Pattern WARMUP =
            java.util.regex.Pattern.compile("\\d{1,18}|(\\d{1,3}(\\.\\d*)?|\\.\\d+)%");

    /**
     * The optimizer, schedule and clipping of this run: the model's defaults ({@link TrainingDefaults}),
     * overridden by every option given.
     *
     * @param network    the model
     * @param totalSteps the run's optimizer steps, epochs x batches per epoch
     * @throws ParameterException (exit code 2) for options that do not fit together
     */
    Recipe recipe(MnistModels.Entry network, long totalSteps) {
        TrainingDefaults d = network.defaults();
        OptimizerKind kind = optimizer != null ? optimizer : OptimizerKind.valueOf(d.optimizer().name());
        double lr = learningRate != null ? learningRate : d.lr();
        TrainingDefaults.Schedule sched = schedule != null ? TrainingDefaults.Schedule.parse(schedule) : d.schedule();
        List<String> problems = new ArrayList<>();
        if (weightDecay != null && kind != OptimizerKind.ADAMW) {
            problems.add("--weight-decay is AdamW's decoupled decay; it needs --optimizer adamw, not " + kind);
        }
        double decay = weightDecay != null ? weightDecay : Double.isNaN(d.weightDecay()) ? 0.01 : d.weightDecay();
        if (minLr != null && sched != TrainingDefaults.Schedule.WARMUP_COSINE) {
            problems.add("--min-lr is the rate warmup-cosine ends on; it needs --schedule warmup-cosine");
        }
        double min = minLr != null ? minLr : d.minLr();
        long warmup;
        if (warmupSteps == null) {
            warmup = d.warmupFor(totalSteps);
        } else if (warmupSteps.endsWith("%")) {
            double percent = Double.parseDouble(warmupSteps.substring(0, warmupSteps.length() - 1));
            warmup = Math.round(totalSteps * percent / 100);
        } else {
            warmup = Long.parseLong(warmupSteps);
            if (warmup > totalSteps && sched == TrainingDefaults.Schedule.WARMUP_COSINE) {
                problems.add("--warmup-steps " + warmup + " is longer than the run, whose cosine ends at step "
                        + totalSteps + " (" + epochs + " epoch(s) x " + totalSteps / epochs + " batches); give fewer"
                        + " steps or a percentage such as 10%");
            }
        }
        double clip = clipGradNorm != null ? clipGradNorm : d.clipGradNorm();
        if (!problems.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join("; ", problems));
        }
        return new Recipe(kind, lr, decay, sched, warmup, min, clip, totalSteps, network.name());
    }

    /**
     * What a run trains with.
     *
     * @param optimizerKind the optimizer
     * @param lr            its (peak) learning rate
     * @param weightDecay   AdamW's decoupled decay (unused by the others)
     * @param scheduleKind  the schedule
     * @param warmupSteps   steps of linear warm-up
     * @param minLr         the rate warmup-cosine ends on
     * @param clipGradNorm  the largest global gradient norm, 0 for none
     * @param totalSteps    the run's optimizer steps, where warmup-cosine reaches its end
     * @param model         the {@code --model} name, for the report
     */
    record Recipe(OptimizerKind optimizerKind, double lr, double weightDecay, TrainingDefaults.Schedule scheduleKind,
            long warmupSteps, double minLr, double clipGradNorm, long totalSteps, String model) {
        /** A fresh optimizer; {@code momentum} is SGD's. */
        Optimizer optimizer(double momentum) {
            return switch (optimizerKind) {
                case ADAM -> Adam.builder().lr(lr).build();
                case ADAMW -> AdamW.builder().lr(lr).weightDecay(weightDecay).build();
                case SGD -> Sgd.builder(lr).momentum(momentum).build();
            };
        }

        /** The trainer's schedule. */
        LearningRateSchedule schedule() {
            if (scheduleKind == TrainingDefaults.Schedule.WARMUP_COSINE) {
                return LearningRateSchedule.warmupCosine(warmupSteps, totalSteps, minLr);
            }
            return warmupSteps > 0 ? LearningRateSchedule.warmupConstant(warmupSteps) : LearningRateSchedule.constant();
        }

        /** One line: the optimizer, schedule and clipping, e.g. for the run's header. */
        String describe() {
            StringBuilder s = new StringBuilder("Optimizer ").append(optimizerKind.name().toLowerCase(Locale.ROOT))
                    .append(" lr ").append(lr);
            if (optimizerKind == OptimizerKind.ADAMW) {
                s.append(" weight decay ").append(weightDecay);
            }
            s.append("; schedule ");
            if (scheduleKind == TrainingDefaults.Schedule.WARMUP_COSINE) {
                s.append(warmupSteps > 0 ? "warm-up " + warmupSteps + " steps, " : "").append("cosine to ").append(minLr)
                        .append(" at step ").append(totalSteps);
            } else {
                s.append(warmupSteps > 0 ? "warm-up " + warmupSteps + " steps, then constant" : "constant");
            }
            s.append("; ").append(clipGradNorm > 0 ? "gradients clipped to norm " + clipGradNorm : "no clipping");
            s.append(" (--model ").append(model).append("'s defaults unless given)");
            return s.toString();
        }
    }

    /** {@code base/<yyyyMMdd-HHmmss>}, with {@code -2}, {@code -3}, ... if a run started in the same second. */
    static Path newRunDirectory(Path base) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        Path dir = base.resolve(stamp);
        for (int i = 2; Files.exists(dir); i++) {
            dir = base.resolve(stamp + "-" + i);
        }
        return dir;
    }

    private void report(Path dir, List<EpochMetrics> history, EpochCheckpoints checkpoints, EarlyStopping stopping) {
        if (history.isEmpty()) {
            out.println("Nothing to train: the checkpoint has already finished the " + epochs
                    + " epoch(s) asked for; raise --epochs.");
            return;
        }
        EpochMetrics last = history.get(history.size() - 1);
        out.printf(Locale.ROOT, "Final test accuracy: %.2f%%%n", 100 * last.testAccuracy());
        Path best = checkpoints.written().get(checkpoints.written().size() - 1);
        if (stopping != null && stopping.bestEpoch() > 0) {
            best = EpochCheckpoints.fileFor(dir, stopping.bestEpoch());
            out.printf(Locale.ROOT, "Lowest test loss %.4f after epoch %d: %s%n", stopping.bestLoss(),
                    stopping.bestEpoch(), best);
        }
        out.println("Wrote " + dir.resolve("metrics.csv") + ", " + dir.resolve("curves.png") + " and "
                + checkpoints.written().size() + " checkpoint(s) in " + dir);
        out.println("Next: lamina evaluate --checkpoint " + best);
    }

    /** The {@code metrics.csv} beside the checkpoint resumed from, for a resume into another directory. */
    private Path resumedRunMetrics() {
        Path parent = resume.toAbsolutePath().getParent();
        return parent == null ? null : parent.resolve("metrics.csv");
    }

    /**
     * Redraws {@code curves.png} after every epoch from every row of {@code metrics.csv} (a resumed
     * run's earlier epochs included), so a run that stops early or fails still has its curves.
     */
    /**
     * Redraws the curves after every epoch. A chart is a view of metrics.csv, so failing to draw or write
     * it never stops the run: the first failure is reported once, and later epochs try again.
     */
    private static final class CurvesWriter implements TrainingListener {
        private final Path file;
        private final MetricsCsv metrics;
        private final PrintStream out;
        private boolean warned;

        CurvesWriter(Path file, MetricsCsv metrics, PrintStream out) {
            this.file = file;
            this.metrics = metrics;
            this.out = out;
        }

        @Override
        public void onEpochEnd(EpochMetrics epoch, TrainingPosition position) {
            try {
                TrainingCurves.write(metrics.rows(), file);
            } catch (IOException | RuntimeException e) {
                if (!warned) {
                    warned = true;
                    out.println("Warning: could not draw " + file + " after epoch " + epoch.epoch() + " ("
                            + Failures.describe(e) + "); training goes on, and " + file.resolveSibling("metrics.csv")
                            + " keeps every epoch.");
                }
            }
        }
    }
}
