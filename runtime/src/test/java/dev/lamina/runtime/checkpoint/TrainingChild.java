package dev.lamina.runtime.checkpoint;

import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.Parameter;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.optim.ForwardingOptimizer;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training process that {@link KillAndResumeTest} starts, kills and restarts: trains a
 * {@link TinyMlp} with Adam on synthetic blobs, checkpointing to {@code <dir>/run.ckpt} every 3 steps,
 * and at the end writes {@code <dir>/final.ckpt} and prints {@code DONE}.
 *
 * <p>Arguments: {@code fresh|resume <dir> <millis to sleep per step>}. The sleep only makes the run
 * slow enough to be killed mid-epoch; it does not change what is computed.
 */
public final class TrainingChild {
    static final int EPOCHS = 4;
    static final int BATCH_SIZE = 10;
    static final int EXAMPLES = 95; // 10 batches per epoch, the last of 5
    static final long SEED = 11;

    private TrainingChild() {}

    public static void main(String[] args) throws Exception {
        boolean resume = args[0].equals("resume");
        Path dir = Path.of(args[1]);
        long sleep = Long.parseLong(args[2]);
        TinyMlp model = new TinyMlp(4, 8, 3, 5);
        Optimizer optimizer = new ForwardingOptimizer(new Adam(0.02)) {
            @Override
            public void step(List<Parameter> params) {
                super.step(params);
                if (sleep > 0) {
                    try {
                        Thread.sleep(sleep);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        Trainer.Builder trainer = Trainer.builder(model, optimizer)
                .epochs(EPOCHS)
                .batchSize(BATCH_SIZE)
                .evalBatchSize(50)
                .seed(SEED)
                .rewriteProgress(false)
                .checkpoint(dir.resolve("run.ckpt"), 3);
        if (resume) {
            trainer.resumeFrom(dir.resolve("run.ckpt"));
        }
        trainer.build().fit(blobs(EXAMPLES, 1), blobs(40, 2));
        CheckpointFile.write(dir.resolve("final.ckpt"), Checkpoint.capture(model, optimizer,
                TrainingPosition.start(SEED, BATCH_SIZE, EXAMPLES)));
        System.out.println("DONE");
    }

    /** Three Gaussian blobs in 4 dimensions. */
    static Dataset blobs(int n, long seed) {
        Random random = new Random(seed);
        float[][] x = new float[n][4];
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            classes[i] = random.nextInt(3);
            for (int d = 0; d < 4; d++) {
                x[i][d] = (float) ((d == classes[i] ? 1.5 : 0) + 0.7 * random.nextGaussian());
            }
        }
        return Dataset.of(Nd4j.createFromArray(x), classes, 3);
    }
}
