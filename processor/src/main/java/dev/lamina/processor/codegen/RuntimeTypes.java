package dev.lamina.processor.codegen;

import com.palantir.javapoet.ClassName;
import dev.lamina.processor.read.DslNames;
import java.util.ArrayList;
import java.util.List;

/**
 * The types generated code refers to, by name: the processor must not load the runtime (it is not
 * on the processor path), so none of these is a {@code Class} literal.
 */
final class RuntimeTypes {
    private RuntimeTypes() {}

    private static final String KERNEL = "dev.lamina.runtime.kernel";
    private static final String MODEL = "dev.lamina.runtime.model";

    static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");

    static final ClassName LAYER = ClassName.bestGuess(DslNames.LAYER);
    static final ClassName LOSS = ClassName.bestGuess(DslNames.LOSS);

    static final ClassName GENERATED_MODEL = ClassName.get(MODEL, "GeneratedModel");
    static final ClassName LAYER_INFO = ClassName.get(MODEL, "LayerInfo");
    static final ClassName PARAMETER = ClassName.get(MODEL, "Parameter");
    static final ClassName TENSORS = ClassName.get(MODEL, "Tensors");
    static final ClassName LAYER_OBSERVER = ClassName.get(MODEL, "LayerObserver");
    static final ClassName LINT_FINDING = ClassName.get(MODEL, "LintFinding");

    static final ClassName INDARRAY = ClassName.get("org.nd4j.linalg.api.ndarray", "INDArray");
    static final ClassName DATA_TYPE = ClassName.get("org.nd4j.linalg.api.buffer", "DataType");
    static final ClassName RANDOM = ClassName.get("org.nd4j.linalg.api.rng", "Random");
    static final ClassName ND4J = ClassName.get("org.nd4j.linalg.factory", "Nd4j");

    static final ClassName INIT = kernel("Init");
    static final ClassName CONV2D = kernel("Conv2d");
    static final ClassName CONV2D_GEOMETRY = CONV2D.nestedClass("Geometry");
    static final ClassName DENSE = kernel("Dense");
    static final ClassName BATCH_NORM = kernel("BatchNorm");
    static final ClassName BATCH_NORM_CACHE = BATCH_NORM.nestedClass("Cache");
    static final ClassName BATCH_NORM_FOLD = kernel("BatchNormFold");
    static final ClassName BATCH_NORM_ACTIVATION = kernel("BatchNormActivation");
    static final ClassName BATCH_NORM_ACTIVATION_FUNCTION = BATCH_NORM_ACTIVATION.nestedClass("Activation");
    static final ClassName BATCH_NORM_ACTIVATION_OUTPUTS = BATCH_NORM_ACTIVATION.nestedClass("Outputs");
    static final ClassName DROPOUT = kernel("Dropout");
    static final ClassName MAX_POOL2D = kernel("MaxPool2d");
    static final ClassName AVG_POOL2D = kernel("AvgPool2d");
    static final ClassName POOL_GEOMETRY = kernel("PoolGeometry");
    static final ClassName FLATTEN = kernel("Flatten");
    static final ClassName GLOBAL_AVG_POOL2D = kernel("GlobalAvgPool2d");
    static final ClassName ADD = kernel("Add");
    static final ClassName CONCAT = kernel("Concat");
    static final ClassName RELU = kernel("ReLU");
    static final ClassName ELU = kernel("ELU");
    static final ClassName LEAKY_RELU = kernel("LeakyReLU");
    static final ClassName TANH = kernel("Tanh");
    static final ClassName SIGMOID = kernel("Sigmoid");
    static final ClassName SOFTMAX = kernel("Softmax");
    static final ClassName GELU = kernel("GELU");
    static final ClassName GELU_APPROXIMATION = GELU.nestedClass("Approximation");
    static final ClassName SILU = kernel("SiLU");
    static final ClassName LAYER_NORM = kernel("LayerNorm");
    static final ClassName EMBEDDING = kernel("Embedding");
    static final ClassName PATCHES = kernel("Patches");
    static final ClassName CONV1D = kernel("Conv1d");
    static final ClassName MAX_POOL1D = kernel("MaxPool1d");
    static final ClassName GLOBAL_AVG_POOL1D = kernel("GlobalAvgPool1d");
    static final ClassName MULTI_HEAD_ATTENTION = kernel("MultiHeadAttention");
    static final ClassName MULTI_HEAD_ATTENTION_CACHE = MULTI_HEAD_ATTENTION.nestedClass("Cache");
    static final ClassName POSITIONAL_EMBEDDING = kernel("PositionalEmbedding");
    static final ClassName LAYER_NORM_CACHE = LAYER_NORM.nestedClass("Cache");

    /** Nested types the generated code names through their enclosing type ({@code BatchNorm.Cache}). */
    private static final List<ClassName> NESTED = List.of(BATCH_NORM_CACHE, BATCH_NORM_ACTIVATION_FUNCTION,
            BATCH_NORM_ACTIVATION_OUTPUTS, CONV2D_GEOMETRY, GELU_APPROXIMATION, LAYER_NORM_CACHE, MULTI_HEAD_ATTENTION_CACHE);

    /**
     * The simple names JavaPoet must always qualify so that none is taken for a field of the model
     * interface named {@code fieldNames}: the field names themselves and, since JavaPoet imports
     * the enclosing type of a nested type it does not qualify, each nested type inside one of them.
     */
    static String[] namesToQualify(List<String> fieldNames) {
        List<String> names = new ArrayList<>(fieldNames);
        for (ClassName nested : NESTED) {
            if (fieldNames.contains(nested.topLevelClassName().simpleName())) {
                names.add(nested.simpleName());
            }
        }
        return names.toArray(String[]::new);
    }

    /**
     * The simple names of every type above, which the generated class imports: no constant, field or
     * local may take one of them, or it would shadow the type ({@code GELU.forward(...)} on a layer
     * named {@code gelu}, whose constant is {@code GELU}).
     */
    static List<String> simpleNames() {
        List<String> names = new ArrayList<>();
        for (java.lang.reflect.Field field : RuntimeTypes.class.getDeclaredFields()) {
            if (field.getType() == ClassName.class) {
                try {
                    names.add(((ClassName) field.get(null)).simpleName());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }

    private static ClassName kernel(String simpleName) {
        return ClassName.get(KERNEL, simpleName);
    }
}
