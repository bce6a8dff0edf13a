package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.LintContext;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;

/**
 * A window that does not tile its input: with no padding, {@code (in - window) mod stride} trailing
 * rows or columns are never read (DL4J's {@code ConvolutionMode.Strict} rejects this). Matches
 * {@code @Conv2d} and both poolings with {@code padding = VALID}, on NCHW input, per axis (a
 * {@code {3, 1}} window with stride {@code {2, 1}} is checked on rows with 3 and 2, on columns with 1 and 1). Windows larger than
 * the input are the shape inference's error, not this rule's. A stride longer than the window (a 1x1
 * projection shortcut with stride 2, He et al. 2015) skips {@code stride - window} rows between every
 * two windows by design, so the rows it leaves at the end are no different and are not matched.
 */
@Rule(id = "StrictWindowTruncation",
        severity = Severity.NOTE,
        summary = "the window does not tile the input, so trailing rows or columns are dropped",
        pattern = "`@Conv2d`, `@MaxPool2d`, `@AvgPool2d` with `padding = VALID` and, on some axis,"
                + " (in - window) mod stride != 0 and stride <= window",
        rationale = "The last (in - window) mod stride rows or columns never reach the output, silently",
        citation = "DL4J ConvolutionMode.Strict (ConvolutionUtils)",
        fix = "choose window and stride so that stride divides (input - window), or pad the input")
public final class StrictWindowTruncation implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        for (LayerNode n : Dataflow.of(model).nodes()) {
            int kh;
            int kw;
            int sh;
            int sw;
            String windowMember;
            if (n.spec() instanceof LayerSpec.Conv2d c && c.padding() == LayerSpec.Conv2d.Padding.VALID) {
                kh = c.kernelHeight();
                kw = c.kernelWidth();
                sh = c.strideHeight();
                sw = c.strideWidth();
                windowMember = "kernel";
            } else if (n.spec() instanceof LayerSpec.Pool2d p && p.padding() == LayerSpec.Conv2d.Padding.VALID) {
                kh = p.height();
                kw = p.width();
                sh = p.strideHeight();
                sw = p.strideWidth();
                windowMember = "value";
            } else {
                continue;
            }
            Shape in = n.input();
            if (!in.isImage() || sh <= 0 || sw <= 0 || in.dim(1) < kh || in.dim(2) < kw) {
                continue;
            }
            // A stride longer than the window skips rows by design (see the class comment).
            int rows = sh > kh ? 0 : (in.dim(1) - kh) % sh;
            int cols = sw > kw ? 0 : (in.dim(2) - kw) % sw;
            if (rows == 0 && cols == 0) {
                continue;
            }
            String lost = rows == cols ? "the last " + (rows == 1 ? "row and column" : rows + " rows and columns")
                    : rows > 0 && cols > 0 ? "the last " + lines(rows, "row") + " and the last " + lines(cols, "column")
                    : rows > 0 ? "the last " + lines(rows, "row") : "the last " + lines(cols, "column");
            boolean strideWritten = n.source().value("stride").isPresent();
            boolean square = kh == kw && sh == sw;
            String window = kh == kw ? String.valueOf(kh) : kh + "x" + kw;
            String stride = sh == sw ? String.valueOf(sh) : sh + "x" + sw;
            String fix = square
                    ? "choose window and stride so that stride divides (" + in.dim(1) + " - window)"
                            + (in.dim(1) == in.dim(2) ? "" : " and (" + in.dim(2) + " - window)")
                    : "choose window and stride so that each axis' stride divides that axis' (input - window): ("
                            + in.dim(1) + " - " + kh + ") by " + sh + ", (" + in.dim(2) + " - " + kw + ") by " + sw;
            context.report(Finding.on(n, context.describe(n) + " with window " + window + " and stride " + stride
                            + " on a " + in.dim(1) + "x" + in.dim(2) + " input never reads " + lost)
                    .member(strideWritten ? "stride" : windowMember)
                    .fix(fix + ", or pad the input"));
        }
    }

    private static String lines(int count, String noun) {
        return count == 1 ? noun : count + " " + noun + "s";
    }
}
