package dev.lamina.runtime.optim;

import dev.lamina.runtime.model.Parameter;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient clipping by global norm, with the semantics of PyTorch's {@code torch.nn.utils.clip_grad_norm_}
 * (L2 norm, {@code error_if_nonfinite = false}): Pascanu, Mikolov and Bengio, "On the difficulty of
 * training recurrent neural networks", ICML 2013.
 */
public final class GradientClipping {
    /** Added to the norm in the scale factor, as PyTorch does, so that a zero norm never divides. */
    public static final double EPSILON = 1e-6;

    private GradientClipping() {}

    /**
     * Scales all gradients together so that their global norm is at most about {@code maxNorm}. The global
     * norm is the L2 norm of all gradient elements of all parameters, {@code sqrt(sum_p ||grad_p||^2)}
     * (each parameter's norm computed by ND4J in the gradient's type, their combination in double). When
     * {@code c = maxNorm / (norm + 1e-6)} is below 1, every gradient is multiplied by {@code c} in place
     * (so the clipped norm is {@code maxNorm * norm / (norm + 1e-6)}, a hair under {@code maxNorm}, and a
     * norm within 1e-6 under {@code maxNorm} is scaled too, exactly as in PyTorch); otherwise nothing changes.
     * A non-finite norm (a NaN or infinite gradient) leaves the gradients unchanged; the divergence shows
     * in the next loss.
     *
     * @param params  the parameters whose {@link Parameter#grad()} to clip
     * @param maxNorm the largest global norm, > 0 ({@code +Infinity} measures without clipping)
     * @return the global norm before clipping
     * @throws IllegalArgumentException if {@code maxNorm} is not > 0 (NaN included)
     */
    public static double clipGradNorm(List<Parameter> params, double maxNorm) {
        checkMaxNorm(maxNorm);
        double norm = globalNorm(params);
        double scale = maxNorm / (norm + EPSILON);
        if (scale < 1 && Double.isFinite(norm)) {
            for (Parameter p : params) {
                p.grad().muli(scale);
            }
        }
        return norm;
    }

    /**
     * The global L2 norm of the gradients, without changing them.
     *
     * @param params the parameters
     * @return {@code sqrt(sum_p ||grad_p||^2)}, 0 for no parameters
     */
    public static double globalNorm(List<Parameter> params) {
        double sumOfSquares = 0;
        for (Parameter p : params) {
            INDArray g = p.grad();
            double n = g.norm2Number().doubleValue();
            sumOfSquares += n * n;
        }
        return Math.sqrt(sumOfSquares);
    }

    /**
     * Checks a maximum norm.
     *
     * @param maxNorm the value to check
     * @return {@code maxNorm}
     * @throws IllegalArgumentException unless {@code maxNorm > 0}
     */
    public static double checkMaxNorm(double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, found " + maxNorm);
        }
        return maxNorm;
    }
}
