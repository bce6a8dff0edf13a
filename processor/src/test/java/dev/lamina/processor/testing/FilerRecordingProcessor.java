package dev.lamina.processor.testing;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.Completion;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.FileObject;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;

/**
 * Runs another processor and records every file it asks the {@link Filer} to create, so that a
 * test can assert that nothing was generated even when compilation failed (compile-testing hides
 * generated files then).
 */
public final class FilerRecordingProcessor implements Processor {
    private final Processor delegate;
    private final List<String> created = new ArrayList<>();

    public FilerRecordingProcessor(Processor delegate) {
        this.delegate = delegate;
    }

    /** Names of the source, class and resource files created, in order. */
    public List<String> createdFiles() {
        return created;
    }

    @Override
    public void init(ProcessingEnvironment env) {
        Filer recording = new RecordingFiler(env.getFiler());
        ProcessingEnvironment wrapped = (ProcessingEnvironment) Proxy.newProxyInstance(
                ProcessingEnvironment.class.getClassLoader(), new Class<?>[] {ProcessingEnvironment.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getFiler")) {
                        return recording;
                    }
                    try {
                        return method.invoke(env, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        delegate.init(wrapped);
    }

    @Override
    public Set<String> getSupportedOptions() {
        return delegate.getSupportedOptions();
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return delegate.getSupportedSourceVersion();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        return delegate.process(annotations, round);
    }

    @Override
    public Iterable<? extends Completion> getCompletions(Element element, AnnotationMirror annotation,
            ExecutableElement member, String userText) {
        return delegate.getCompletions(element, annotation, member, userText);
    }

    private final class RecordingFiler implements Filer {
        private final Filer filer;

        RecordingFiler(Filer filer) {
            this.filer = filer;
        }

        @Override
        public JavaFileObject createSourceFile(CharSequence name, Element... originatingElements)
                throws IOException {
            created.add(name.toString());
            return filer.createSourceFile(name, originatingElements);
        }

        @Override
        public JavaFileObject createClassFile(CharSequence name, Element... originatingElements)
                throws IOException {
            created.add(name.toString());
            return filer.createClassFile(name, originatingElements);
        }

        @Override
        public FileObject createResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
                CharSequence relativeName, Element... originatingElements) throws IOException {
            created.add(moduleAndPkg + "/" + relativeName);
            return filer.createResource(location, moduleAndPkg, relativeName, originatingElements);
        }

        @Override
        public FileObject getResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
                CharSequence relativeName) throws IOException {
            return filer.getResource(location, moduleAndPkg, relativeName);
        }
    }
}
