package dev.lamina.processor.codegen;

/**
 * Names of the generated class's fixed members and method parameters, which layer emitters refer to.
 * Layer-specific names (fields, locals) come from {@link LayerContext} and never collide with these
 * nor with the members of {@code GeneratedModel}, the base class: the reader rejects a layer method
 * named like one of its no-argument methods, and its fields are private or, like {@code dataType},
 * reserved here.
 */
final class Members {
    private Members() {}

    /** Constructor parameter, and the base class's field: the element type of parameters and activations. */
    static final String DATA_TYPE = "dataType";
    /** Constructor local: the generator that draws initial parameter values. */
    static final String INIT_RNG = "initRng";
    /** Field: the generator that draws dropout masks. */
    static final String DROPOUT_RNG = "dropoutRng";
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

    /** The private method that runs the rewritten inference pass (see {@link InferenceMethod}). */
    static final String INFERENCE_PASS = "inferencePass";
    /** The base class's constants for a weight layer's backward: compute the input gradient or not. */
    static final String INPUT_GRADIENT = "INPUT_GRADIENT";
    static final String NO_INPUT_GRADIENT = "NO_INPUT_GRADIENT";
    /** {@code GeneratedModel.TOKEN_IDS}: the constructor argument of a model of token ids. */
    static final String TOKEN_IDS = "TOKEN_IDS";
    /** Constant: the lint findings reported at compile time (only when there were some). */
    static final String LINT_FINDINGS = "LINT_FINDINGS";
}
