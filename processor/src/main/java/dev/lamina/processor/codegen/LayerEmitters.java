package dev.lamina.processor.codegen;

import dev.lamina.processor.ir.LayerSpec;

/**
 * Chooses the {@link LayerEmitter} for a layer's spec. A {@link LayerSpec.Visitor}, so a layer kind
 * without an emitter does not compile.
 */
final class LayerEmitters implements LayerSpec.Visitor<LayerEmitter> {
    private static final LayerEmitters INSTANCE = new LayerEmitters();

    private static final LayerEmitter CONV2D = new Conv2dEmitter();
    private static final LayerEmitter DENSE = new DenseEmitter();
    private static final LayerEmitter BATCH_NORM = new BatchNormEmitter();
    private static final LayerEmitter ACTIVATION = new ActivationEmitter();
    private static final LayerEmitter DROPOUT = new DropoutEmitter();
    private static final LayerEmitter POOL2D = new Pool2dEmitter();
    private static final LayerEmitter FLATTEN = new FlattenEmitter();
    private static final LayerEmitter GLOBAL_AVG_POOL2D = new GlobalAvgPool2dEmitter();
    private static final LayerEmitter ADD = new JunctionEmitters.AddEmitter();
    private static final LayerEmitter CONCAT = new JunctionEmitters.ConcatEmitter();
    private static final LayerEmitter LAYER_NORM = new LayerNormEmitter();
    private static final LayerEmitter EMBEDDING = new EmbeddingEmitter();
    private static final LayerEmitter POSITIONAL_EMBEDDING = new PositionalEmbeddingEmitter();
    private static final LayerEmitter MULTI_HEAD_ATTENTION = new MultiHeadAttentionEmitter();
    private static final LayerEmitter PATCHES = new PatchesEmitter();
    private static final LayerEmitter GLOBAL_AVG_POOL1D = new GlobalAvgPool1dEmitter();
    private static final LayerEmitter CONV1D = new Conv1dEmitter();
    private static final LayerEmitter MAX_POOL1D = new MaxPool1dEmitter();

    private LayerEmitters() {}

    /** The emitter for {@code spec}. */
    static LayerEmitter forSpec(LayerSpec spec) {
        return spec.accept(INSTANCE);
    }

    @Override public LayerEmitter conv2d(LayerSpec.Conv2d spec) { return CONV2D; }
    @Override public LayerEmitter dense(LayerSpec.Dense spec) { return DENSE; }
    @Override public LayerEmitter batchNorm(LayerSpec.BatchNorm spec) { return BATCH_NORM; }
    @Override public LayerEmitter activation(LayerSpec.Activation spec) { return ACTIVATION; }
    @Override public LayerEmitter dropout(LayerSpec.Dropout spec) { return DROPOUT; }
    @Override public LayerEmitter pool2d(LayerSpec.Pool2d spec) { return POOL2D; }
    @Override public LayerEmitter flatten(LayerSpec.Flatten spec) { return FLATTEN; }
    @Override public LayerEmitter globalAvgPool2d(LayerSpec.GlobalAvgPool2d spec) { return GLOBAL_AVG_POOL2D; }
    @Override public LayerEmitter add(LayerSpec.Add spec) { return ADD; }
    @Override public LayerEmitter concat(LayerSpec.Concat spec) { return CONCAT; }
    @Override public LayerEmitter layerNorm(LayerSpec.LayerNorm spec) { return LAYER_NORM; }
    @Override public LayerEmitter embedding(LayerSpec.Embedding spec) { return EMBEDDING; }
    @Override public LayerEmitter positionalEmbedding(LayerSpec.PositionalEmbedding spec) { return POSITIONAL_EMBEDDING; }
    @Override public LayerEmitter multiHeadAttention(LayerSpec.MultiHeadAttention spec) { return MULTI_HEAD_ATTENTION; }
    @Override public LayerEmitter patches(LayerSpec.Patches spec) { return PATCHES; }
    @Override public LayerEmitter globalAvgPool1d(LayerSpec.GlobalAvgPool1d spec) { return GLOBAL_AVG_POOL1D; }
    @Override public LayerEmitter conv1d(LayerSpec.Conv1d spec) { return CONV1D; }
    @Override public LayerEmitter maxPool1d(LayerSpec.MaxPool1d spec) { return MAX_POOL1D; }
}
