package dev.lamina.processor.ir;

/**
 * How a layer's shape rule ({@link LayerSpec#outputShape}) says that it cannot take its input. Each
 * method reports the problem on the layer and returns {@code null}, so that a rule can end with
 * {@code return problems.needsImage();}. Shape inference implements it with the processor's messages.
 */
public interface ShapeProblems {
    /** The layer needs an image {@code [C, H, W]}. */
    Shape needsImage();

    /** The layer needs a vector {@code [F]}, and the input is an image: a Flatten is missing. */
    Shape missingFlatten();

    /** A Flatten whose input is already a vector. */
    Shape nothingToFlatten();

    /** The layer needs an image or a vector. */
    Shape needsVectorOrImage();

    /**
     * A window longer than a signal.
     *
     * @param member the annotation member that set the size ({@code "kernel"}, {@code "value"})
     * @param what   what the message calls the window ({@code "kernel"}, {@code "window"})
     * @param size   the window's length
     */
    default Shape windowTooLarge(String member, String what, int size) {
        return windowTooLarge(member, what, size, size);
    }

    /**
     * A window larger than the image on some axis, or (height only) a window longer than a signal.
     *
     * @param member the annotation member that set the size ({@code "kernel"}, {@code "value"})
     * @param what   what the message calls the window ({@code "kernel"}, {@code "window"})
     * @param height the window's height (a signal window's length)
     * @param width  the window's width
     */
    Shape windowTooLarge(String member, String what, int height, int width);

    /** The layer takes only the {@code accepted} layouts, and its input has another. */
    Shape wrongLayout(Shape.Layout... accepted);

    /** Patches of side {@code size} do not tile the image: its height or width is not a multiple. */
    Shape patchesDoNotDivide(int size);

    /** Attention's {@code heads} do not divide the sequence's features {@code D}. */
    Shape headsDoNotDivide(int heads);
}
