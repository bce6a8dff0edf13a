package dev.lamina.spark;

import dev.lamina.runtime.checkpoint.CheckpointException;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.data.Batch;
import dev.lamina.runtime.data.Batches;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.loss.LossFunction;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import dev.lamina.runtime.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One step of gradient averaging on one partition, run by an executor inside {@code treeAggregate}:
 * restore the broadcast parameters and buffers, run forward and backward on the partition's batch
 * {@code batch} of epoch {@code epoch}, and add the example-weighted gradients and buffers to the sum.
 * The driver applies the optimizer to the averaged gradient, so the optimizer state never leaves it.
 */
final class LocalGradient implements Function2<GradientSum, Shard, GradientSum> {
    private static final long serialVersionUID = 1L;

    private final ModelFactory modelFactory;
    private final Broadcast<byte[]> state;
    private final RunSettings run;
    private final int epoch;
    private final int batch;
    private final long step;

    LocalGradient(ModelFactory modelFactory, Broadcast<byte[]> state, RunSettings run, int epoch, int batch,
            long step) {
        this.modelFactory = modelFactory;
        this.state = state;
        this.run = run;
        this.epoch = epoch;
        this.batch = batch;
        this.step = step;
    }

    @Override
    public GradientSum call(GradientSum sum, Shard shard) throws CheckpointException {
        if (batch >= Shard.batchCount(shard.size(), run.batchSize())) {
            return sum;
        }
        Model model = modelFactory.create(run.seed());
        Path source = Path.of("broadcast-parameters-of-step-" + step);
        CheckpointFile.fromBytes(state.value(), source).restoreModelInto(model, source);
        Dataset data = shard.dataset(run.id(), model.inputShape(), run.numClasses());
        long seed = run.partitionSeed(shard.partition());
        Batch b = new Batches(data, run.batchSize(), seed).epoch(epoch, batch).iterator().next();
        INDArray features = RunSettings.castTo(b.features(), model);
        LossFunction loss = LossFunction.of(model.loss());
        model.zeroGrad();
        model.seedDropout(Trainer.dropoutSeed(seed, step));
        INDArray output = model.forward(features, true);
        double batchLoss = loss.loss(output, b.labels());
        GradientSum mine = new GradientSum();
        mine.examples = b.size();
        mine.lossSum = batchLoss * b.size();
        mine.correct = correct(output, b.labels());
        if (!Double.isFinite(batchLoss)) {
            mine.divergedAt = step;
            return sum.add(mine);
        }
        model.backward(loss.gradient(output, b.labels()));
        List<Parameter> parameters = model.parameters();
        mine.gradients = new float[parameters.size()][];
        for (int i = 0; i < parameters.size(); i++) {
            mine.gradients[i] = weighted(parameters.get(i).grad(), b.size());
        }
        Map<String, INDArray> buffers = model.buffers();
        mine.buffers = new float[buffers.size()][];
        int i = 0;
        for (INDArray buffer : buffers.values()) {
            mine.buffers[i++] = weighted(buffer, b.size());
        }
        return sum.add(mine);
    }

    /** {@code n * a}, flattened in C order, as floats (Lamina's models are FLOAT). */
    private static float[] weighted(INDArray a, long n) {
        float[] values = a.dup('c').data().asFloat();
        for (int j = 0; j < values.length; j++) {
            values[j] *= n;
        }
        return values;
    }

    /** Examples whose arg-max output is the arg-max of their one-hot label. */
    private static long correct(INDArray output, INDArray labels) {
        long[] predicted = output.argMax(1).toLongVector();
        long[] actual = labels.argMax(1).toLongVector();
        long n = 0;
        for (int j = 0; j < predicted.length; j++) {
            if (predicted[j] == actual[j]) {
                n++;
            }
        }
        return n;
    }
}
