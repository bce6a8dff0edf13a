package dev.lamina.processor.shape;

import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.ir.Shape;
import java.math.BigInteger;
import java.util.List;

/**
 * The shape rule of a concatenation: images {@code [C1, H, W], [C2, H, W], ...} join on the channel
 * axis into {@code [C1 + C2 + ..., H, W]}, vectors on the feature axis; the parts must all be
 * images of one height and width, or all vectors (sequences and signals are not concatenated yet).
 */
final class ConcatShapes {
    private ConcatShapes() {}

    /**
     * Why the parts cannot be concatenated, or null when they can.
     *
     * @param name   the concatenation's name, for the message
     * @param parts  each part's shape, in order
     * @param labels each part described for the message, e.g. "branch 'mixed.a' gives [8, 4, 4]"
     */
    static String problem(String name, List<Shape> parts, List<String> labels) {
        for (Shape part : parts) {
            if (!part.isImage() && !part.isVector()) {
                return Messages.concatLayout(name, labels);
            }
        }
        boolean images = parts.stream().anyMatch(Shape::isImage);
        boolean vectors = parts.stream().anyMatch(Shape::isVector);
        if (images && vectors) {
            return Messages.concatRanks(name, labels);
        }
        if (images) {
            Shape first = parts.get(0);
            for (Shape part : parts) {
                if (part.dim(1) != first.dim(1) || part.dim(2) != first.dim(2)) {
                    return Messages.concatSpatialSizes(name, labels);
                }
            }
        }
        return null;
    }

    /** Each part's size on the concatenated axis: channels of images, features of vectors. */
    static List<Integer> channels(List<Shape> parts) {
        return parts.stream().map(p -> p.dim(0)).toList();
    }

    /** Elements of one example of the output, exactly: it may exceed {@code int}. */
    static BigInteger elements(List<Shape> parts) {
        BigInteger total = BigInteger.ZERO;
        for (Shape part : parts) {
            total = total.add(BigInteger.valueOf(part.size()));
        }
        return total;
    }

    /** The output, for parts that {@link #problem} accepts and whose {@link #elements} fit an {@code int}. */
    static Shape output(List<Shape> parts) {
        int channels = parts.stream().mapToInt(p -> p.dim(0)).sum();
        Shape first = parts.get(0);
        return first.isImage() ? Shape.of(channels, first.dim(1), first.dim(2)) : Shape.of(channels);
    }
}
