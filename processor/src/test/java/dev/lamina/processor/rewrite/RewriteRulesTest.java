package dev.lamina.processor.rewrite;

import static com.google.common.truth.Truth.assertThat;

import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.RewriteFact;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.testing.Models;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where each rewrite applies and where it must not, on IR read from DSL sources. */
class RewriteRulesTest {

    private static ModelIR read(String input, String... layers) {
        return Models.readAndInfer(Models.model("Net", "input = " + input, layers));
    }

    private static List<String> order(ModelIR model) {
        return model.layers().stream().map(LayerNode::name).toList();
    }

    private static LayerNode node(ModelIR model, String name) {
        return model.layers().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void biasElided_onlyWhenBatchNormDirectlyFollows() {
        ModelIR model = read("{1, 8, 8}",
                "@Conv2d(filters = 2, kernel = 3) Layer conv1();",
                "@BatchNorm Layer bn1();",
                "@Conv2d(filters = 2, kernel = 3) Layer conv2();",
                "@ReLU Layer act2();",
                "@BatchNorm Layer bn2();",
                "@Conv2d(filters = 2, kernel = 3, bias = false) Layer conv3();",
                "@BatchNorm Layer bn3();",
                "@Flatten Layer flatten();",
                "@Dense(4) Layer fc();",
                "@BatchNorm Layer bn4();",
                "@Dense(2) Layer logits();");
        ModelIR rewritten = new BiasBeforeBatchNorm().apply(model);

        assertThat(((LayerSpec.Conv2d) node(rewritten, "conv1").spec()).bias()).isFalse();
        assertThat(node(rewritten, "conv1").rewrites()).containsExactly(new RewriteFact.BiasElided("bn1"));
        assertThat(node(rewritten, "bn1").rewrites()).containsExactly(new RewriteFact.BiasAbsorbed("conv1"));
        // An activation between: BN(relu(x + b)) depends on b.
        assertThat(node(rewritten, "conv2")).isEqualTo(node(model, "conv2"));
        assertThat(node(rewritten, "bn2").has(RewriteFact.BiasAbsorbed.class)).isFalse();
        // No bias declared: nothing to elide, and bn3 absorbs nothing.
        assertThat(node(rewritten, "conv3")).isEqualTo(node(model, "conv3"));
        assertThat(node(rewritten, "bn3").has(RewriteFact.BiasAbsorbed.class)).isFalse();
        // Dense before BN over features.
        assertThat(((LayerSpec.Dense) node(rewritten, "fc").spec()).bias()).isFalse();
        assertThat(((LayerSpec.Dense) node(rewritten, "logits").spec()).bias()).isTrue();
        // Declared parameter count kept by the generator; the executed one drops the biases.
        assertThat(rewritten.parameterCount()).isEqualTo(model.parameterCount() - 2 - 4);
        assertThat(order(rewritten)).isEqualTo(order(model));
    }

    @Test
    void maxPoolMoves_pastMonotoneActivationsOnly() {
        ModelIR model = read("{1, 16, 16}",
                "@Conv2d(filters = 2, kernel = 3) Layer conv1();",
                "@ELU Layer elu1();",
                "@Sigmoid Layer sig1();",
                "@MaxPool2d(2) Layer pool1();",
                "@LeakyReLU(-0.5) Layer leaky();",
                "@MaxPool2d(1) Layer pool2();",
                "@ReLU Layer relu3();",
                "@AvgPool2d(2) Layer avg3();",
                "@Tanh Layer tanh4();",
                "@Dropout(rate = 0.1) Layer drop4();",
                "@MaxPool2d(1) Layer pool4();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer logits();");
        ModelIR rewritten = new MaxPoolBeforeMonotoneActivation().apply(model);

        assertThat(order(rewritten)).containsExactly("conv1", "pool1", "elu1", "sig1", "leaky", "pool2", "relu3",
                "avg3", "tanh4", "drop4", "pool4", "flatten", "logits").inOrder();
        LayerNode pool1 = node(rewritten, "pool1");
        assertThat(pool1.input()).isEqualTo(Shape.of(2, 14, 14));
        assertThat(pool1.output()).isEqualTo(Shape.of(2, 7, 7));
        assertThat(pool1.source()).isSameInstanceAs(node(model, "pool1").source());
        assertThat(node(rewritten, "elu1").input()).isEqualTo(Shape.of(2, 7, 7));
        assertThat(node(rewritten, "sig1").output()).isEqualTo(Shape.of(2, 7, 7));
        assertThat(node(rewritten, "elu1").rewrites()).hasSize(1);
        // Every node after the moved block is untouched.
        for (String name : List.of("leaky", "pool2", "relu3", "avg3", "tanh4", "drop4", "pool4", "logits")) {
            assertThat(node(rewritten, name)).isEqualTo(node(model, name));
        }
    }

    @Test
    void batchNormFolded_intoConvOrDenseDirectlyBefore_withOrWithoutBias() {
        ModelIR model = read("{1, 8, 8}",
                "@BatchNorm Layer bn0();",
                "@Conv2d(filters = 2, kernel = 3) Layer conv1();",
                "@BatchNorm Layer bn1();",
                "@BatchNorm Layer bn1b();",
                "@Conv2d(filters = 2, kernel = 3, bias = false) Layer conv2();",
                "@ReLU Layer act2();",
                "@BatchNorm Layer bn2();",
                "@Conv2d(filters = 2, kernel = 3, bias = false) Layer conv3();",
                "@BatchNorm Layer bn3();",
                "@Flatten Layer flatten();",
                "@Dense(4) Layer fc();",
                "@BatchNorm Layer bn4();",
                "@Dense(2) Layer logits();");
        ModelIR rewritten = new BatchNormFold().apply(model);

        for (String weight : List.of("conv1", "conv3", "fc")) {
            assertThat(node(rewritten, weight).has(RewriteFact.FoldsBatchNorm.class)).isTrue();
            // The fold leaves the spec alone: the bias, if any, stays and is folded too.
            assertThat(node(rewritten, weight).spec()).isEqualTo(node(model, weight).spec());
        }
        for (String bn : List.of("bn1", "bn3", "bn4")) {
            assertThat(node(rewritten, bn).has(RewriteFact.FoldedInto.class)).isTrue();
        }
        // Nothing before, a BatchNorm before, an activation between: no fold.
        for (String name : List.of("bn0", "bn1b", "bn2", "conv2", "act2", "logits")) {
            assertThat(node(rewritten, name)).isEqualTo(node(model, name));
        }
        assertThat(node(rewritten, "conv1").rewrites()).containsExactly(new RewriteFact.FoldsBatchNorm("bn1"));
        assertThat(node(rewritten, "bn4").rewrites()).containsExactly(new RewriteFact.FoldedInto("fc"));
        assertThat(rewritten.parameterCount()).isEqualTo(model.parameterCount());
        assertThat(order(rewritten)).isEqualTo(order(model));
    }

    @Test
    void rewritesOnAModelWithNothingToRewrite_returnTheSameModel() {
        ModelIR model = read("{4}", "@Dense(3) Layer fc();", "@ReLU Layer act();", "@Dense(2) Layer logits();");
        assertThat(Rewrites.apply(model)).isSameInstanceAs(model);
    }

    @Test
    void inferencePass_dropsDropoutsAndFoldedBatchNorms_thenMovesPoolsPastWhereDropoutStood() {
        ModelIR model = Rewrites.apply(read("{1, 16, 16}",
                "@Conv2d(filters = 2, kernel = 3) Layer conv1();",
                "@BatchNorm Layer bn1();",
                "@Tanh Layer tanh1();",
                "@Dropout(rate = 0.1) Layer drop1();",
                "@MaxPool2d(2) Layer pool1();",
                "@BatchNorm Layer bn2();",
                "@Dropout(rate = 0.2) Layer drop2();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer logits();",
                "@Dropout(rate = 0.3) Layer drop3();"));
        ModelIR inference = Rewrites.forInference(model);

        // bn2 follows a pool, not a weight layer: not folded, so it stays; every Dropout goes.
        assertThat(order(inference)).containsExactly("conv1", "pool1", "tanh1", "bn2", "flatten", "logits")
                .inOrder();
        assertThat(node(inference, "pool1").input()).isEqualTo(node(model, "tanh1").input());
        assertThat(node(inference, "tanh1").output()).isEqualTo(node(model, "pool1").output());
        assertThat(node(inference, "pool1").rewrites()).containsAtLeast(
                new RewriteFact.DropoutRemoved("drop1", true), new RewriteFact.PoolMoved(List.of("tanh1")));
        assertThat(node(inference, "flatten").rewrites()).contains(new RewriteFact.DropoutRemoved("drop2", true));
        // A Dropout at the end leaves its fact on the layer before it.
        assertThat(node(inference, "logits").rewrites()).contains(new RewriteFact.DropoutRemoved("drop3", false));
        // The training pass keeps all of them in their place.
        assertThat(order(model)).containsExactly("conv1", "bn1", "tanh1", "drop1", "pool1", "bn2", "drop2",
                "flatten", "logits", "drop3").inOrder();
    }

    @Test
    void maxPoolStays_afterEluWithNegativeAlpha_inTrainingAndAtInference() {
        // alpha * (e^x - 1) with alpha < 0 decreases for x < 0: max does not commute with it.
        ModelIR model = Rewrites.apply(read("{1, 8, 8}",
                "@Conv2d(filters = 2, kernel = 3) Layer conv1();",
                "@ELU(alpha = -1.0) Layer act1();",
                "@MaxPool2d(2) Layer pool1();",
                "@Conv2d(filters = 2, kernel = 1) Layer conv2();",
                "@ELU(alpha = -1.0) Layer act2();",
                "@Dropout(rate = 0.5) Layer drop2();",
                "@MaxPool2d(1) Layer pool2();",
                "@Flatten Layer flatten();",
                "@Dense(3) Layer logits();"));

        assertThat(order(model)).containsExactly("conv1", "act1", "pool1", "conv2", "act2", "drop2", "pool2",
                "flatten", "logits").inOrder();
        assertThat(order(Rewrites.forInference(model))).containsExactly("conv1", "act1", "pool1", "conv2", "act2",
                "pool2", "flatten", "logits").inOrder();
    }

    @Test
    void maxPoolStays_afterGeluAndSilu_whichDipBelowZero() {
        // GELU and SiLU fall, then rise, for negative inputs: max does not commute with them.
        ModelIR model = Rewrites.apply(read("{1, 8, 8}",
                "@Conv2d(filters = 2, kernel = 3) Layer conv1();",
                "@GELU Layer act1();",
                "@MaxPool2d(2) Layer pool1();",
                "@SiLU Layer act2();",
                "@MaxPool2d(1) Layer pool2();",
                "@Flatten Layer flatten();",
                "@Dense(3) Layer logits();"));

        assertThat(order(model)).containsExactly("conv1", "act1", "pool1", "act2", "pool2", "flatten", "logits")
                .inOrder();
        assertThat(order(Rewrites.forInference(model))).containsExactly("conv1", "act1", "pool1", "act2", "pool2",
                "flatten", "logits").inOrder();
    }
}
