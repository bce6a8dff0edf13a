package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertThat;

import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.SourceRef;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Element;
import org.junit.jupiter.api.Test;

/**
 * The engine on models with blocks, over hand-built IR whose layers carry stand-in elements (the
 * compile-level tests need the block reader): a finding on a layer declared once in a block used
 * several times is reported once, and {@code @SuppressWarnings} works on the layer, on the
 * {@code @Block} interface and on the method that uses the block.
 */
class LintBlocksTest {
    /** A stand-in element: a name, what encloses it, and the IDs its {@code @SuppressWarnings} lists (none: null). */
    private static Element element(String name, Element enclosing, String... suppressed) {
        SuppressWarnings sw = suppressed.length == 0 ? null : (SuppressWarnings) Proxy.newProxyInstance(
                LintBlocksTest.class.getClassLoader(), new Class<?>[] {SuppressWarnings.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "value" -> suppressed.clone();
                    case "annotationType" -> SuppressWarnings.class;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "@SuppressWarnings";
                });
        return (Element) Proxy.newProxyInstance(LintBlocksTest.class.getClassLoader(), new Class<?>[] {Element.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAnnotation" -> args[0] == SuppressWarnings.class ? sw : null;
                    case "getEnclosingElement" -> enclosing;
                    case "getAnnotationMirrors" -> List.of();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> name;
                    default -> null;
                });
    }

    private static SourceRef at(Element e) {
        return new SourceRef(e, null, Map.of());
    }

    /**
     * A post-activation ReLU-before-addition unit repeated three times: {@code Net} uses
     * {@code Unit} through {@code stage()}, {@code Unit} uses {@code Body} through {@code res()},
     * and {@code Body} declares {@code reluB()}, which ReLUBeforeAddition reports.
     */
    private static ModelIR model(Element net, Element unit, Element body) {
        Element stage = element("stage", net);
        Element res = element("res", unit);
        Element reluB = element("reluB", body);
        return modelWith(stage, res, reluB);
    }

    private static ModelIR modelWith(Element stage, Element res, Element reluB) {
        return Ir.input(4, 8, 8).convSame("conv", 4, 3, 1, false).batchNorm("bn").relu("relu")
                .at(at(stage)).repeat("stage", 3, u -> u.at(at(res)).residual("res", b -> b
                        .convSame("convA", 4, 3, 1, false).batchNorm("bnA").at(at(reluB)).relu("reluB")))
                .globalAvgPool("gap").dense("fc", 10).build();
    }

    private static List<ReportedFinding> lint(ModelIR model) {
        Lint lint = new Lint(List.of(RuleInfo.of(new dev.lamina.processor.lint.rules.ReLUBeforeAddition())),
                LintOptions.defaults(), SourceLines.NONE);
        return lint.run(model, new Report(null));
    }

    @Test
    void aLayerOfABlockUsedThreeTimesIsReportedOnce() {
        Element net = element("Net", null);
        List<ReportedFinding> found = lint(model(net, element("Unit", net), element("Body", net)));
        assertThat(found).hasSize(1);
        assertThat(found.get(0).layer()).isEqualTo("stage[0].res.reluB");
        assertThat(found.get(0).message()).contains("(the same at 3 uses of this declaration; the first,"
                + " 'stage[0].res.reluB', is shown)");
    }

    @Test
    void withoutSourceElementsEveryUseIsItsOwnFinding() {
        ModelIR model = Ir.input(4, 8, 8).convSame("conv", 4, 3, 1, false).batchNorm("bn").relu("relu")
                .repeat("stage", 3, u -> u.residual("res", b -> b.convSame("convA", 4, 3, 1, false).batchNorm("bnA")
                        .relu("reluB")))
                .globalAvgPool("gap").dense("fc", 10).build();
        assertThat(lint(model).stream().map(ReportedFinding::layer).toList())
                .containsExactly("stage[0].res.reluB", "stage[1].res.reluB", "stage[2].res.reluB").inOrder();
    }

    @Test
    void suppressedOnTheLayerInsideTheBlock() {
        Element net = element("Net", null);
        Element body = element("Body", net);
        Element reluB = element("reluB", body, "Lamina/ReLUBeforeAddition");
        assertThat(lint(modelWith(element("stage", net), element("res", element("Unit", net)), reluB))).isEmpty();
    }

    @Test
    void suppressedOnTheBlockInterface() {
        Element net = element("Net", null);
        assertThat(lint(model(net, element("Unit", net), element("Body", net, "Lamina/ReLUBeforeAddition"))))
                .isEmpty();
    }

    @Test
    void suppressedOnTheUseSiteMethods() {
        Element net = element("Net", null);
        Element unit = element("Unit", net);
        Element body = element("Body", net);
        // On the @Residual method in Unit that uses Body ...
        assertThat(lint(modelWith(element("stage", net), element("res", unit, "Lamina/ReLUBeforeAddition"),
                element("reluB", body)))).isEmpty();
        // ... on the @Repeat method in Net that uses Unit ...
        assertThat(lint(modelWith(element("stage", net, "Lamina"), element("res", unit), element("reluB", body))))
                .isEmpty();
        // ... and on neither: reported.
        assertThat(lint(modelWith(element("stage", net, "Lamina/Other"), element("res", unit),
                element("reluB", body)))).hasSize(1);
    }

    @Test
    void useSitesAreOutermostFirst() {
        Element net = element("Net", null);
        Element stage = element("stage", net);
        Element res = element("res", element("Unit", net));
        ModelIR model = modelWith(stage, res, element("reluB", element("Body", net)));
        UseSites uses = UseSites.of(model);
        LayerNode relu = model.layers().stream().filter(n -> n.name().equals("stage[1].res.reluB")).findFirst()
                .orElseThrow();
        assertThat(uses.of(relu).stream().map(SourceRef::element).toList()).containsExactly(stage, res).inOrder();
        LayerNode add = model.layers().stream().filter(n -> n.name().equals("stage[1].res")).findFirst().orElseThrow();
        assertThat(uses.of(add).stream().map(SourceRef::element).toList()).containsExactly(stage);
        assertThat(uses.of(model.layers().get(0))).isEmpty();
    }
}
