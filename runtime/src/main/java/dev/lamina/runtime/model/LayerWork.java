package dev.lamina.runtime.model;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The work of one layer in one pass, estimated from its shapes, for {@link LayerProfiler}: floating-point
 * operations and bytes of memory traffic.
 *
 * <p>FLOP count the multiply-adds of the matrix products as 2 each, as the benchmark does: a Conv2d or
 * Conv1d computes {@code 2 * outputValues * (weightValues / filters)} (each output value is a dot
 * product over {@code channels * kernel} inputs), a Dense layer {@code 2 * outputValues * inputs}, and
 * MultiHeadAttention its four projections {@code 8 N T D^2} plus scores and weighted values {@code 4 N
 * T^2 D}; bias additions, normalisation, activations, pooling and dropout count as 0 FLOP (their rate is
 * in GB/s). Backward costs twice the forward FLOP (input gradient and weight gradient), once where no
 * input gradient is computed.
 *
 * <p>Bytes are a lower bound on traffic, each tensor a pass must touch counted once: forward reads the
 * input and the parameters and writes the output; backward reads the output gradient, the input (or the
 * kept tensors of its size) and the parameters, writes the parameter gradients and, if computed, the
 * input gradient.
 *
 * @param flop  floating-point operations
 * @param bytes bytes read and written
 */
record LayerWork(double flop, double bytes) {
    /** Nothing (a pass with no shapes known). */
    static final LayerWork NONE = new LayerWork(0, 0);

    /**
     * What a forward pass of one layer touches: values of its input(s), output and parameters, and its
     * forward FLOP.
     *
     * @param inputValues  values read as input, all inputs together
     * @param outputValues values written
     * @param paramValues  values of the parameters the layer reads
     * @param flop         forward FLOP
     * @param valueBytes   bytes per value
     */
    record Shapes(long inputValues, long outputValues, long paramValues, double flop, int valueBytes) {
        LayerWork forward() {
            return new LayerWork(flop, (double) (inputValues + outputValues + paramValues) * valueBytes);
        }

        LayerWork backward(boolean inputGradient) {
            long values = outputValues + inputValues + 2 * paramValues + (inputGradient ? inputValues : 0);
            return new LayerWork(flop * (inputGradient ? 2 : 1), (double) values * valueBytes);
        }
    }

    /**
     * The shapes of one layer's pass.
     *
     * @param kind       the layer annotation's simple name ({@code Conv2d}, {@code Dense}, ...)
     * @param input      the layer's input, or null for a junction, whose inputs are derived from its output
     *                   ({@code Residual}: two of its shape; {@code Concat}: its values in all)
     * @param output     its output
     * @param parameters its parameters, weight first
     */
    static Shapes shapes(String kind, INDArray input, INDArray output, List<INDArray> parameters) {
        long out = output.length();
        long in = input != null ? input.length() : kind.equals("Residual") ? 2 * out : out;
        long params = parameters.stream().mapToLong(INDArray::length).sum();
        INDArray weight = parameters.isEmpty() ? null : parameters.get(0);
        return new Shapes(in, out, params, flop(kind, output, weight), output.dataType().width());
    }

    /**
     * Forward FLOP of a layer with this output and weight; 0 for kinds without matrix products.
     *
     * @param kind   the layer kind
     * @param output the output {@code [N, ...]}
     * @param weight the first parameter: {@code [filters, channels, kernel...]} for convolutions,
     *               {@code [inputs, units]} for Dense, the query projection {@code [D, D]} for attention
     */
    static double flop(String kind, INDArray output, INDArray weight) {
        if (weight == null) {
            return 0;
        }
        double out = output.length();
        return switch (kind) {
            case "Conv2d", "Conv1d" -> 2 * out * (weight.length() / weight.size(0));
            case "Dense" -> 2 * out * weight.size(0);
            case "MultiHeadAttention" -> {
                double d = weight.size(0);
                double t = output.size(output.rank() - 2);
                yield 8 * out * d + 4 * out * t; // out = N T D: 8 N T D^2 + 4 N T^2 D
            }
            default -> 0;
        };
    }
}
