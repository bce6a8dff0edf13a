package dev.lamina.processor.lint;

import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.diag.NearMiss;
import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.SourceRef;
import dev.lamina.processor.lint.sarif.SarifResult;
import dev.lamina.processor.lint.sarif.SarifWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The lint stage, one instance per compilation. {@link #run} checks one shape-inferred model with
 * every enabled rule and adds the findings that are not suppressed to the model's {@link Report};
 * {@link #finish} writes the SARIF report of the whole compilation when one was requested.
 *
 * <p>Messages read {@code [Lamina/<RuleId>] <summary>: <why> (<citation>). Fix: <fix>} and are
 * attached to the layer's annotation, or to the annotation value at fault.
 */
public final class Lint {
    private final List<RuleInfo> rules;
    private final LintOptions options;
    private final SourceLines lines;
    private final List<SarifResult> results = new ArrayList<>();
    /** Block interfaces whose {@code @SuppressWarnings} were checked for unknown IDs in this compilation. */
    private final Set<TypeElement> scannedBlocks = new java.util.HashSet<>();

    public Lint(List<RuleInfo> rules, LintOptions options, SourceLines lines) {
        this.rules = List.copyOf(rules);
        this.options = options;
        this.lines = lines;
    }

    /** The lint for a compilation: the registered rules, configured by the processor's options. */
    public static Lint create(ProcessingEnvironment env, LintOptions options) {
        return new Lint(LintRules.all(), options, SourceLines.of(env));
    }

    /**
     * Runs every enabled rule on {@code model}, with rewrites off; findings go to {@code report}.
     * Never throws.
     *
     * @return the findings reported (not suppressed), in the order they were reported
     */
    public List<ReportedFinding> run(ModelIR model, Report report) {
        return run(model, model, report);
    }

    /**
     * Runs every enabled rule on {@code model}, the declared model; findings go to {@code report},
     * except NOTEs whose advice {@code executed} (the model the generated code runs: {@code model}
     * with the rewrites applied, or {@code model} itself when they are off) carries out: see
     * {@link Rule#carriedOutBy}. Never throws.
     *
     * @return the findings not suppressed, printed or carried out, in the order they were found
     */
    public List<ReportedFinding> run(ModelIR model, ModelIR executed, Report report) {
        return run(model, executed, report, true);
    }

    /**
     * Runs every enabled rule on {@code declared}, a model whose shapes could not be inferred (its
     * shape error is in {@code report}), so that its lint findings come together with the shape error
     * instead of appearing only once that is fixed. Its layers have no shapes: the rules that judge
     * the order and kinds of layers report as usual; a rule that needs shapes fails on the missing
     * ones and reports nothing here, neither finding nor internal error (it runs once the shapes are
     * fixed). Never throws.
     *
     * @return the findings not suppressed, in the order they were found
     */
    public List<ReportedFinding> runWithoutShapes(ModelIR declared, Report report) {
        return run(declared, declared, report, false);
    }

    private List<ReportedFinding> run(ModelIR model, ModelIR executed, Report report, boolean shaped) {
        if (model.element() != null) {
            reportUnknownSuppressions(model, report);
        }
        UseSites uses = UseSites.of(model);
        record Match(int rule, int layer, Finding finding) {}
        List<Match> matches = new ArrayList<>();
        for (int r = 0; r < rules.size(); r++) {
            RuleInfo rule = rules.get(r);
            if (options.severity(rule) == Severity.OFF) {
                continue;
            }
            LintContext context = new LintContext(rule, lines, options.parameters(rule));
            try {
                rule.rule().check(model, context);
            } catch (RuntimeException e) {
                if (shaped) {
                    report.error("[" + rule.qualifiedId() + "] internal error in this lint rule; please report it: "
                            + e);
                }
                continue;  // unshaped: the rule needs the shapes that are missing
            }
            for (RepeatedFindings.Merged m : RepeatedFindings.merge(context.findings())) {
                matches.add(new Match(r, model.layers().indexOf(m.finding().at()), m.finding()));
            }
        }
        matches.sort(Comparator.comparingInt(Match::layer).thenComparingInt(Match::rule));
        List<ReportedFinding> reported = new ArrayList<>();
        for (Match m : matches) {
            emit(model, executed, uses, rules.get(m.rule()), m.finding(), report).ifPresent(reported::add);
        }
        return List.copyOf(reported);
    }

    /** Reports one finding; returns it unless it was suppressed. */
    private Optional<ReportedFinding> emit(ModelIR model, ModelIR executed, UseSites uses, RuleInfo rule,
            Finding finding, Report report) {
        Severity level = options.severity(rule).atMost(finding.cap());
        if (options.werror() && level == Severity.WARNING) {
            level = Severity.ERROR;
        }
        LayerNode at = finding.at();
        String message = message(rule, finding);
        Element element = at.source().element() != null ? at.source().element() : model.element();
        List<Element> suppressible = new ArrayList<>();
        if (element != null) {
            suppressible.add(element);
        }
        // A layer inside a block: also the methods that use the block, from the model down.
        uses.of(at).stream().map(SourceRef::element).filter(e -> e != null).forEach(suppressible::add);
        boolean suppressed = Suppressions.suppressesAny(suppressible, rule.id());
        String carriedOutBy = level == Severity.NOTE && carriedOut(rule, executed, at)
                ? rule.metadata().carriedOutBy() : "";
        if (!suppressed && carriedOutBy.isEmpty()) {
            report.add(level.kind(), message, at.source(), finding.member());
        }
        Optional<ReportedFinding> reported = suppressed
                ? Optional.empty()
                : Optional.of(new ReportedFinding(rule.id(), level, at.name(), message, carriedOutBy));
        if (options.reportPath().isPresent()) {
            AnnotationValue value = finding.member() == null ? null : at.source().value(finding.member()).orElse(null);
            List<SarifResult.Related> related = finding.related().stream()
                    .map(n -> new SarifResult.Related(
                            lines.position(n.source().element(), n.source().annotation(), null).orElse(null),
                            n.spec().noun() + " '" + n.name() + "'"))
                    .collect(Collectors.toList());
            results.add(new SarifResult(rule, level, message,
                    lines.position(element, at.source().annotation(), value).orElse(null),
                    model.packageName().isEmpty()
                            ? model.interfaceName() + "." + at.name()
                            : model.packageName() + "." + model.interfaceName() + "." + at.name(),
                    suppressed, related, carriedOutBy));
        }
        return reported;
    }

    /**
     * Whether the rewrite named by {@code rule}'s {@link Rule#carriedOutBy} changed the layer
     * {@code at} in {@code executed}: it left a fact there that names it.
     */
    private static boolean carriedOut(RuleInfo rule, ModelIR executed, LayerNode at) {
        String rewrite = rule.metadata().carriedOutBy();
        return !rewrite.isEmpty() && executed.layers().stream()
                .filter(n -> n.name().equals(at.name()))
                .anyMatch(n -> n.rewrites().stream().anyMatch(fact -> fact.rule().equals(rewrite)));
    }

    /** {@code [Lamina/<id>] <summary>: <why> (<citation>). Fix: <fix>} */
    static String message(RuleInfo rule, Finding finding) {
        Rule m = rule.metadata();
        return "[" + rule.qualifiedId() + "] " + m.summary() + ": " + finding.why() + " (" + m.citation() + "). Fix: "
                + (finding.fix() != null ? finding.fix() : m.fix());
    }

    /**
     * Warns about unknown rule IDs in {@code @SuppressWarnings} on the model interface and its
     * methods, and on each {@code @Block} interface that declares one of its layers and its methods;
     * a block shared by several models of the compilation is looked at once.
     */
    private void reportUnknownSuppressions(ModelIR model, Report report) {
        Set<String> ids = rules.stream().map(RuleInfo::id).collect(Collectors.toSet());
        List<TypeElement> types = new ArrayList<>();
        types.add(model.element());
        for (LayerNode n : model.layers()) {
            if (n.source().element() != null && n.source().element().getEnclosingElement() instanceof TypeElement t
                    && !t.equals(model.element()) && !types.contains(t) && scannedBlocks.add(t)) {
                types.add(t);
            }
        }
        for (TypeElement type : types) {
            reportUnknownSuppressions(type, ids, report);
        }
    }

    private void reportUnknownSuppressions(TypeElement type, Set<String> ids, Report report) {
        for (Suppressions.Unknown u : Suppressions.unknown(type, ids)) {
            String id = u.text().substring(LintRules.PREFIX.length());
            report.add(Diagnostic.Kind.WARNING, Messages.unknownSuppression(u.text(), id, NearMiss.suggestion(id, ids)),
                    u.element(), u.annotation(), u.value());
        }
    }

    /**
     * Writes the SARIF report of every model linted in this compilation, when {@code -Alamina.report}
     * is set; a failure is an error on the compilation. Call once, when processing is over.
     */
    public void finish(Messager messager) {
        if (options.reportPath().isEmpty()) {
            return;
        }
        String path = options.reportPath().get();
        try {
            SarifWriter.write(Path.of(path), rules, results);
        } catch (IOException | RuntimeException e) {
            messager.printMessage(Diagnostic.Kind.ERROR, Messages.reportNotWritten(path, e.toString()));
        }
    }

    /** The findings recorded for the SARIF report so far; empty unless {@code -Alamina.report} is set. */
    public List<SarifResult> results() {
        return List.copyOf(results);
    }
}
