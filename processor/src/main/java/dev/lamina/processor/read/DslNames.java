package dev.lamina.processor.read;

/**
 * The DSL's types, by name. The processor never loads a class of {@code lamina-dsl}: it is not
 * bundled in the processor jar, and with only that jar on {@code -processorpath} (plain javac,
 * Bazel, ECJ) a class literal such as {@code Sequential.class} would throw
 * {@code NoClassDefFoundError}. Annotations are read as mirrors, found through these names; a test
 * checks them against the DSL's classes and that no compiled processor class refers to the DSL.
 */
public final class DslNames {
    private DslNames() {}

    /** The DSL's package; every Lamina annotation lives here. */
    public static final String PACKAGE = "dev.lamina.dsl";

    /** {@code @Sequential}, which marks a model interface. */
    public static final String SEQUENTIAL = PACKAGE + ".Sequential";

    /** {@code @Block}, which marks an interface of layers that models use through the block uses below. */
    public static final String BLOCK = PACKAGE + ".Block";

    /** {@code @Residual}: {@code S(x) + F(x)}. */
    public static final String RESIDUAL = PACKAGE + ".Residual";

    /** {@code Residual.Identity}, the default shortcut (by canonical name, as {@code getQualifiedName} gives it). */
    public static final String RESIDUAL_IDENTITY = RESIDUAL + ".Identity";

    /** {@code @Concat}: branches concatenated. */
    public static final String CONCAT = PACKAGE + ".Concat";

    /** {@code @Repeat}: copies of a block in a row. */
    public static final String REPEAT = PACKAGE + ".Repeat";

    /** {@code Layer}, the return type of every layer method. */
    public static final String LAYER = PACKAGE + ".Layer";

    /** {@code Loss}, the enum of {@code @Sequential(loss = ...)}; mirrored by {@link dev.lamina.processor.ir.Loss}. */
    public static final String LOSS = PACKAGE + ".Loss";
}
