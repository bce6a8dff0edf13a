package dev.lamina.runtime.optim;

import dev.lamina.runtime.model.Parameter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/** Hyperparameter validation and the in-place update primitive shared by the optimizers. */
final class OptimizerSupport {
    private OptimizerSupport() {}

    /** @throws IllegalArgumentException if {@code value} is NaN, infinite or negative */
    static double nonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, found " + value);
        }
        return value;
    }

    /** @throws IllegalArgumentException unless {@code 0 <= value < 1} */
    static double inUnitInterval(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), found " + value);
        }
        return value;
    }

    /**
     * Splits {@code state} keys {@code <parameter>/<slot>} by parameter, checking that every key names
     * one of {@code params} and one of {@code slots}, and that each tensor slot has its parameter's shape.
     *
     * @param tensorSlots slots whose tensors have the parameter's shape; other slots are scalars
     * @throws IllegalArgumentException naming the first offending key
     */
    static Map<Parameter, Map<String, INDArray>> byParameter(List<Parameter> params, Map<String, INDArray> state,
            Set<String> slots, Set<String> tensorSlots) {
        Map<String, Parameter> byName = new HashMap<>();
        params.forEach(p -> byName.put(p.name(), p));
        Map<Parameter, Map<String, INDArray>> result = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : state.entrySet()) {
            String key = e.getKey();
            int slash = key.lastIndexOf('/');
            Parameter p = slash < 0 ? null : byName.get(key.substring(0, slash));
            String slot = slash < 0 ? "" : key.substring(slash + 1);
            if (p == null || !slots.contains(slot)) {
                throw new IllegalArgumentException("state " + key + " names no parameter/slot of " + byName.keySet()
                        + " x " + slots);
            }
            if (tensorSlots.contains(slot) && !Arrays.equals(e.getValue().shape(), p.value().shape())) {
                throw new IllegalArgumentException("state " + key + " has shape " + Arrays.toString(e.getValue().shape())
                        + " but " + p.name() + " has " + Arrays.toString(p.value().shape()));
            }
            result.computeIfAbsent(p, k -> new HashMap<>()).put(slot, e.getValue());
        }
        return result;
    }

    /**
     * {@code y += alpha * x} in place, in one native op without a temporary (large temporaries cost page
     * faults every step). {@code x} and {@code y} have the same shape and data type.
     */
    static void axpy(double alpha, INDArray x, INDArray y) {
        Nd4j.exec(new Axpy(x, y, y, alpha));
    }
}
