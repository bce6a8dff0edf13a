package dev.lamina.runtime;

import org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Which libnd4j build this JVM loaded. Lamina depends on the build with oneDNN ({@code nd4j-native}
 * classifier {@code linux-x86_64-onednn}) by default, because the seed network trains and infers
 * faster on it; the stock {@code linux-x86_64} natives work the same, only slower.
 */
public final class Natives {
    private Natives() {}

    /**
     * Whether the loaded libnd4j was built with oneDNN (the {@code linux-x86_64-onednn} natives) and
     * has it switched on. The build flags decide: {@code Environment.isUseONEDNN()} alone answers true
     * on the stock natives too. Loads ND4J's backend if nothing has yet.
     *
     * @return true on the {@code linux-x86_64-onednn} natives, false on the stock ones
     * @throws RuntimeException from ND4J when no backend's natives can be loaded
     */
    public static boolean oneDnn() {
        return Build.ONEDNN && Nd4jCpu.Environment.getInstance().isUseONEDNN();
    }

    /**
     * Whether the loaded libnd4j was built with oneDNN, whether or not it is switched on now
     * ({@code Nd4jCpu.Environment.setUseONEDNN}). Loads ND4J's backend if nothing has yet.
     *
     * @return true on the {@code linux-x86_64-onednn} natives (any of their CPU variants)
     * @throws RuntimeException from ND4J when no backend's natives can be loaded
     */
    public static boolean oneDnnBuild() {
        return Build.ONEDNN;
    }

    /** The build flags, read once: the kernels ask per call which ops to run. */
    private static final class Build {
        static final boolean ONEDNN = readOneDnnFlag();

        private static boolean readOneDnnFlag() {
            Nd4j.getExecutioner(); // loads the backend, which NativeOpsHolder needs first
            return NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
        }
    }

    /**
     * The loaded natives in a few words, for logs and benchmark headers.
     *
     * @return {@code "oneDNN (linux-x86_64-onednn)"} or {@code "stock (linux-x86_64, no oneDNN)"}
     * @throws RuntimeException from ND4J when no backend's natives can be loaded
     */
    public static String describe() {
        return oneDnn() ? "oneDNN (linux-x86_64-onednn)" : "stock (linux-x86_64, no oneDNN)";
    }
}
