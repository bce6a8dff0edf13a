package dev.lamina.processor.codegen;

import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.RewriteFact;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.ir.SourceRef;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a shape-inferred {@link ModelIR} by hand, as the reader and shape inference would: each
 * layer's input is the previous layer's output, and the test states every output shape.
 */
final class IrBuilder {
    private final String packageName;
    private final String interfaceName;
    private final Shape input;
    private final Loss loss;
    private final List<LayerNode> layers = new ArrayList<>();
    private Shape current;

    private IrBuilder(String packageName, String interfaceName, Loss loss, int... input) {
        this.packageName = packageName;
        this.interfaceName = interfaceName;
        this.loss = loss;
        this.input = Shape.of(input);
        this.current = this.input;
    }

    static IrBuilder model(String interfaceName, Loss loss, int... input) {
        return new IrBuilder("test", interfaceName, loss, input);
    }

    /** Appends a layer whose output shape is {@code output}. */
    IrBuilder layer(String name, LayerSpec spec, int... output) {
        return layer(name, spec, List.of(), output);
    }

    /** Appends a layer that rewrites changed, with the facts they left. */
    IrBuilder layer(String name, LayerSpec spec, List<RewriteFact> rewrites, int... output) {
        Shape out = Shape.of(output);
        layers.add(new LayerNode(name, spec, current, out, SourceRef.NONE, rewrites));
        current = out;
        return this;
    }

    /** Appends a layer that keeps its input's shape. */
    IrBuilder sameShape(String name, LayerSpec spec) {
        return layer(name, spec, current.dims());
    }

    ModelIR build() {
        return ModelIR.of(packageName, interfaceName, null, input, loss, layers);
    }

    static LayerSpec.Conv2d conv(int filters, int kernel) {
        return new LayerSpec.Conv2d(filters, kernel, 1, LayerSpec.Conv2d.Padding.VALID, true);
    }

    static LayerSpec.Dense dense(int units) {
        return new LayerSpec.Dense(units, true);
    }

    static LayerSpec.BatchNorm batchNorm() {
        return new LayerSpec.BatchNorm(0.1, 1e-5);
    }

    static LayerSpec.Activation activation(LayerSpec.Activation.Function function) {
        return new LayerSpec.Activation(function, 0);
    }

    static LayerSpec.Activation elu() {
        return new LayerSpec.Activation(LayerSpec.Activation.Function.ELU, 1.0);
    }

    static LayerSpec.Dropout dropout(double rate) {
        return new LayerSpec.Dropout(rate);
    }

    static LayerSpec.Pool2d maxPool(int size) {
        return new LayerSpec.Pool2d(LayerSpec.Pool2d.Mode.MAX, size, size);
    }

    static LayerSpec.Flatten flatten() {
        return new LayerSpec.Flatten();
    }
}
