package dev.lamina.processor.codegen;

/**
 * Names of the generated class's fixed members and method parameters, which layer emitters refer to.
 * Layer-specific names (fields, locals) come from {@link LayerContext} and never collide with these.
 */
final class Members {
    private Members() {}

    /** Constructor parameter and field: the element type of parameters and activations. */
    static final String DATA_TYPE = "dataType";
    /** Constructor local: the generator that draws initial parameter values. */
    static final String INIT_RNG = "initRng";
    /** Field: the generator that draws dropout masks. */
    static final String DROPOUT_RNG = "dropoutRng";
    /** Field: set by a training forward pass, cleared by any forward pass that starts. */
    static final String BACKWARD_READY = "backwardReady";
    /** Field: all parameters in declaration order. */
    static final String PARAMETERS = "parameters";
    /** Field: the buffers by name. */
    static final String BUFFERS = "bufferMap";
    /** Constants. */
    static final String INPUT_SHAPE = "INPUT_SHAPE";
    static final String OUTPUT_SHAPE = "OUTPUT_SHAPE";
    static final String LAYERS = "LAYERS";
    static final String DROPOUT_SEED_MIX = "DROPOUT_SEED_MIX";

    /** forward's parameters. */
    static final String INPUT = "input";
    static final String TRAINING = "training";
    /** backward's parameter. */
    static final String D_OUTPUT = "dOutput";

    /** Field: whether forward notes the first layer whose output is not finite (see Model.firstNonFiniteLayer). */
    static final String FIND_NON_FINITE = "findNonFinite";
    /** Field: the first layer whose output was not finite while looking, or null. */
    static final String NON_FINITE_LAYER = "nonFiniteLayer";
    /** Field: the observer of the running forward pass with observer, or null. */
    static final String LAYER_OBSERVER = "layerObserver";
    /** The private method that runs the rewritten inference pass (see {@link InferenceMethod}). */
    static final String INFERENCE_PASS = "inferencePass";
    /** The helper forward calls after each layer: the non-finite check and the layer observer. */
    static final String AFTER_LAYER = "afterLayer";
    /** Constant: the lint findings reported at compile time (only when there were some). */
    static final String LINT_FINDINGS = "LINT_FINDINGS";

    /** The static helper that checks an array's shape against one example's shape. */
    static final String CHECK_EXAMPLE_SHAPE = "checkExampleShape";
}
