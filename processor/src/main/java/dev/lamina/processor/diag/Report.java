package dev.lamina.processor.diag;

import dev.lamina.processor.ir.SourceRef;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * The diagnostics found for one model, collected before any is printed so that a stage can ask
 * whether the model is still clean ({@link #hasErrors()}) before the next stage runs (Dagger's
 * {@code ValidationReport}). Each item is attached to the most precise source available: the
 * annotation value, else the annotation, else the element.
 */
public final class Report {
    /** One diagnostic. Element, annotation and value may each be null. */
    public record Item(Diagnostic.Kind kind, String message, Element element, AnnotationMirror annotation,
            AnnotationValue value) {}

    private final Element subject;
    private final List<Item> items = new ArrayList<>();

    /** @param subject the model interface; items with no element of their own land on it */
    public Report(Element subject) {
        this.subject = subject;
    }

    public void add(Diagnostic.Kind kind, String message, Element element, AnnotationMirror annotation,
            AnnotationValue value) {
        items.add(new Item(kind, message, element, annotation, value));
    }

    /** An error on the model interface itself. */
    public void error(String message) {
        add(Diagnostic.Kind.ERROR, message, subject, null, null);
    }

    /** An error on a layer's annotation, on {@code member}'s value when the user wrote one. */
    public void error(SourceRef at, String member, String message) {
        add(Diagnostic.Kind.ERROR, message, at, member);
    }

    /** A diagnostic of any kind on a layer's annotation, on {@code member}'s value when written. */
    public void add(Diagnostic.Kind kind, String message, SourceRef at, String member) {
        AnnotationValue value = member == null ? null : at.value(member).orElse(null);
        add(kind, message, at.element(), at.annotation(), value);
    }

    public boolean hasErrors() {
        return items.stream().anyMatch(i -> i.kind() == Diagnostic.Kind.ERROR);
    }

    public List<Item> items() {
        return List.copyOf(items);
    }

    /** Prints every item to javac. */
    public void printTo(Messager messager) {
        for (Item i : items) {
            Element e = i.element() != null ? i.element() : subject;
            if (i.annotation() != null && i.value() != null) {
                messager.printMessage(i.kind(), i.message(), e, i.annotation(), i.value());
            } else if (i.annotation() != null) {
                messager.printMessage(i.kind(), i.message(), e, i.annotation());
            } else {
                messager.printMessage(i.kind(), i.message(), e);
            }
        }
    }
}
