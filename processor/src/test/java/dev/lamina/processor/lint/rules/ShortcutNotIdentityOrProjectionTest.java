package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.LintCompilation.Model;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.RuleCompilationTest;
import dev.lamina.processor.lint.Textbook;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ShortcutNotIdentityOrProjectionTest extends RuleCompilationTest {
    private final ShortcutNotIdentityOrProjection rule = new ShortcutNotIdentityOrProjection();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected boolean usesBlocks() {
        return true;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = {4, 8, 8}",
                "@Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer conv();",
                "@BatchNorm Layer bn();",
                "@ReLU Layer relu();",
                "@Residual(value = Body.class, shortcut = Drop.class) Layer res();",
                "@ReLU Layer reluAfterAdd();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer out();",
                "@Block interface Body {",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convA();",
                "    @BatchNorm Layer bnA();",
                "    @ReLU Layer reluA();",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convB();",
                "    @BatchNorm Layer bnB();",
                "}",
                "@Block interface Drop {",
                "    @Dropout(rate = 0.5) Layer drop();",
                "}");
    }

    @Override
    protected String line() {
        return "drop()";
    }

    @Override
    protected String message() {
        return "[Lamina/ShortcutNotIdentityOrProjection] residual shortcut is neither the identity nor a projection:"
                + " dropout 'res.shortcut.drop' (line 22) is on the shortcut Drop of residual addition 'res'"
                + " (line 10), which is then randomly dropped: with dropout 0.5 on the shortcut ResNet-110 did not"
                + " reach a comparable CIFAR-10 error";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = {4, 8, 8}",
                "@Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer conv();",
                "@BatchNorm Layer bn();",
                "@ReLU Layer relu();",
                "@Residual(Body.class) Layer res();",
                "@ReLU Layer reluAfterAdd();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer out();",
                "@Block interface Body {",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convA();",
                "    @BatchNorm Layer bnA();",
                "    @ReLU Layer reluA();",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convB();",
                "    @BatchNorm Layer bnB();",
                "}");
    }

    private static List<Finding> withShortcut(UnaryOperator<Ir> shortcut) {
        return check(new ShortcutNotIdentityOrProjection(), Ir.input(4, 8, 8)
                .residual("res", b -> b.convSame("conv", 8, 3, 2, false).batchNorm("bn"), shortcut)
                .relu("r").globalAvgPool("gap").dense("fc", 2).build());
    }

    @Test
    void irDropoutOnTheShortcut() {
        List<Finding> f = withShortcut(s -> s.dropout("drop", 0.5));
        assertThat(at(f)).containsExactly("res.shortcut.drop");
        assertThat(f.get(0).why()).contains("above 20%, against 6.61% with the identity");
        assertThat(f.get(0).fix()).contains("put the dropout inside the residual branch");
    }

    @Test
    void irScalingGatingAndExtraLayersAreReportedAtTheFirstThatDoesNotFit() {
        assertThat(at(withShortcut(s -> s.sigmoid("gate")))).containsExactly("res.shortcut.gate");
        assertThat(at(withShortcut(s -> s.batchNorm("bn")))).containsExactly("res.shortcut.bn");
        assertThat(at(withShortcut(s -> s.convSame("conv", 8, 1, 2, false).batchNorm("bn").relu("relu"))))
                .containsExactly("res.shortcut.relu");
        assertThat(at(withShortcut(s -> s.convSame("conv", 8, 1, 2, false).convSame("conv2", 8, 1, 1, false))))
                .containsExactly("res.shortcut.conv2");
        assertThat(at(withShortcut(s -> s.activation("tanh", Function.TANH, 0)))).containsExactly("res.shortcut.tanh");
        // A block on the shortcut: reported at its first layer.
        assertThat(at(withShortcut(s -> s.residual("inner", b -> b.convSame("conv", 4, 1, 1, false)))))
                .containsExactly("res.shortcut.inner.conv");
    }

    @Test
    void irIdentityAndProjectionsAreFine() {
        assertThat(withShortcut(s -> s.convSame("conv", 8, 1, 2, false))).isEmpty();
        assertThat(withShortcut(s -> s.convSame("conv", 8, 1, 2, false).batchNorm("bn"))).isEmpty();
        // ResNet-D: average pool, then a stride-1 projection.
        assertThat(withShortcut(s -> s.avgPool("pool", 2).convSame("conv", 8, 1, 1, false).batchNorm("bn"))).isEmpty();
        assertThat(check(rule, Ir.input(8).residual("res", b -> b.dense("fc1", 8).relu("r").dense("fc2", 4),
                s -> s.dense("proj", 4)).dense("fc", 2).build())).isEmpty();
        assertThat(check(rule, Textbook.resnetBasic())).isEmpty();
        assertThat(check(rule, Textbook.resnetBottleneck())).isEmpty();
        assertThat(check(rule, Textbook.preActResnet())).isEmpty();
    }
}
