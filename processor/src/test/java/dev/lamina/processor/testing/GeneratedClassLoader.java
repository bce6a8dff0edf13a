package dev.lamina.processor.testing;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;

/**
 * Loads the class files of a compile-testing {@link Compilation} (compiled sources and the classes
 * generated for them) from memory. Everything else, the runtime and ND4J included, comes from the
 * parent: the test's class loader.
 */
public final class GeneratedClassLoader extends ClassLoader {
    private static final String CLASS_OUTPUT = "/CLASS_OUTPUT/";

    private final Map<String, JavaFileObject> classFiles = new HashMap<>();

    public GeneratedClassLoader(Compilation compilation) {
        super(GeneratedClassLoader.class.getClassLoader());
        for (JavaFileObject file : compilation.generatedFiles()) {
            if (file.getKind() != JavaFileObject.Kind.CLASS) {
                continue;
            }
            String path = file.toUri().getPath();
            int start = path.indexOf(CLASS_OUTPUT);
            if (start >= 0) {
                String binaryName = path.substring(start + CLASS_OUTPUT.length(), path.length() - ".class".length())
                        .replace('/', '.');
                classFiles.put(binaryName, file);
            }
        }
    }

    /** Whether the compilation produced a class with this binary name. */
    public boolean has(String binaryName) {
        return classFiles.containsKey(binaryName);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JavaFileObject file = classFiles.get(name);
        if (file == null) {
            throw new ClassNotFoundException(name);
        }
        try (InputStream in = file.openInputStream()) {
            byte[] bytes = in.readAllBytes();
            return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
