package dev.lamina.spark;

import dev.lamina.runtime.checkpoint.Checkpoint;
import dev.lamina.runtime.checkpoint.CheckpointException;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.checkpoint.TrainingPosition;
import dev.lamina.runtime.data.Batch;
import dev.lamina.runtime.data.Batches;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.train.Trainer;
import dev.lamina.runtime.train.TrainingStep;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Iterator;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One round of parameter averaging on one partition, run by an executor: restore the broadcast model
 * and optimizer state into fresh instances, take up to {@code localSteps} optimizer steps on the
 * partition's batches {@code firstBatch, firstBatch + 1, ...} of epoch {@code epoch}, and return the
 * new state in the checkpoint format. Everything a step depends on (the shuffle, the dropout masks) is
 * derived from the run's seed, the partition and the step, so a retried task repeats its work exactly.
 */
final class LocalSteps implements Function<Shard, LocalSteps.Result> {
    private static final long serialVersionUID = 1L;

    private final ModelFactory modelFactory;
    private final OptimizerFactory optimizerFactory;
    private final Broadcast<byte[]> state;
    private final RunSettings run;
    private final int epoch;
    private final int firstBatch;
    private final int localSteps;
    private final long firstStep;

    LocalSteps(ModelFactory modelFactory, OptimizerFactory optimizerFactory, Broadcast<byte[]> state, RunSettings run,
            int epoch, int firstBatch, int localSteps, long firstStep) {
        this.modelFactory = modelFactory;
        this.optimizerFactory = optimizerFactory;
        this.state = state;
        this.run = run;
        this.epoch = epoch;
        this.firstBatch = firstBatch;
        this.localSteps = localSteps;
        this.firstStep = firstStep;
    }

    /**
     * What a partition reports after its local steps.
     *
     * @param partition  the partition
     * @param steps      optimizer steps taken (0 when the shard had no batches left in this epoch)
     * @param examples   examples trained on
     * @param lossSum    the sum over those examples of the training loss
     * @param correct    of those, how many the training-mode output classified right
     * @param checkpoint the partition's model and optimizer state afterwards, in the checkpoint format;
     *                   null when no step was taken
     * @param divergedAt the global step whose loss was not finite (the partition stopped there), or -1
     */
    record Result(int partition, int steps, long examples, double lossSum, long correct, byte[] checkpoint,
            long divergedAt) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    @Override
    public Result call(Shard shard) throws CheckpointException {
        int batchCount = Shard.batchCount(shard.size(), run.batchSize());
        if (firstBatch >= batchCount) {
            return new Result(shard.partition(), 0, 0, 0, 0, null, -1);
        }
        Model model = modelFactory.create(run.seed());
        Optimizer optimizer = optimizerFactory.create();
        Path source = Path.of("broadcast-state-of-step-" + firstStep);
        CheckpointFile.fromBytes(state.value(), source).restoreInto(model, optimizer, source);
        Dataset data = shard.dataset(run.id(), model.inputShape(), run.numClasses());
        long seed = run.partitionSeed(shard.partition());
        Iterator<Batch> batches = new Batches(data, run.batchSize(), seed).epoch(epoch, firstBatch).iterator();
        TrainingStep trainingStep = new TrainingStep(model, optimizer);
        int steps = 0;
        long examples = 0;
        double lossSum = 0;
        long correct = 0;
        while (steps < localSteps && batches.hasNext()) {
            Batch batch = batches.next();
            INDArray features = RunSettings.castTo(batch.features(), model);
            long step = firstStep + steps;
            TrainingStep.Result r = trainingStep.run(features, batch.labels(), Trainer.dropoutSeed(seed, step));
            if (!r.finite()) {
                return new Result(shard.partition(), steps, examples, r.loss(), correct, null, step);
            }
            steps++;
            examples += batch.size();
            lossSum += r.loss() * batch.size();
            correct += r.correct();
        }
        byte[] after = CheckpointFile.toBytes(Checkpoint.capture(model, optimizer,
                TrainingPosition.start(run.seed(), run.batchSize(), shard.size())));
        return new Result(shard.partition(), steps, examples, lossSum, correct, after, -1);
    }
}
