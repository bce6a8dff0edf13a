package dev.lamina.processor.testing;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import javax.tools.JavaFileObject;

/** Sample block declarations for tests, as member lines of a model (see {@link Models#model}). */
public final class Blocks {
    private Blocks() {}

    /**
     * The TinyResNet (issue 12) in full, for {@code input = {3, 32, 32}}: a stem, three
     * basic units of 16 channels, a downsampling unit with a projection shortcut, pooling and
     * logits.
     */
    public static final String[] TINY_RESNET = {
        "@Conv2d(filters = 16, kernel = 3, padding = Padding.SAME, bias = false) Layer conv1();",
        "@BatchNorm Layer bn1();",
        "@ReLU Layer relu1();",
        "@Repeat(value = Unit16.class, times = 3) Layer stage1();",
        "@Residual(value = Down32.class, shortcut = Proj32.class) Layer down2();",
        "@ReLU Layer relu2();",
        "@GlobalAvgPool2d Layer gap();",
        "@Dense(10) Layer fc();",
        "",
        "@Block interface Unit16 {",
        "    @Residual(Basic16.class) Layer res();",
        "    @ReLU Layer relu();",
        "}",
        "@Block interface Basic16 {",
        "    @Conv2d(filters = 16, kernel = 3, padding = Padding.SAME, bias = false) Layer conv1();",
        "    @BatchNorm Layer bn1();",
        "    @ReLU Layer relu1();",
        "    @Conv2d(filters = 16, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();",
        "    @BatchNorm Layer bn2();",
        "}",
        "@Block interface Down32 {",
        "    @Conv2d(filters = 32, kernel = 3, stride = 2, padding = Padding.SAME, bias = false) Layer conv1();",
        "    @BatchNorm Layer bn1();",
        "    @ReLU Layer relu1();",
        "    @Conv2d(filters = 32, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();",
        "    @BatchNorm Layer bn2();",
        "}",
        "@Block interface Proj32 {",
        "    @Conv2d(filters = 32, kernel = 1, stride = 2, bias = false) Layer conv();",
        "    @BatchNorm Layer bn();",
        "}",
    };

    /** Compiles with {@link ReadAndInferProcessor} only: the reader's and shape inference's diagnostics, no code. */
    public static Compilation readAndInferCompile(JavaFileObject... sources) {
        return Compiler.javac().withProcessors(new ReadAndInferProcessor()).compile(sources);
    }
}
