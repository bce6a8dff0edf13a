package dev.lamina.processor;

import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.diag.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Which class each model generates ({@code Lamina<Interface>} in the interface's package), and
 * whether that name is free: not taken by a type the user wrote, and not claimed by another model of
 * this compilation (two interfaces named {@code Net} nested in different classes of one package).
 * Names claimed in earlier rounds stay claimed.
 */
final class GeneratedNames {
    private final Elements elements;
    private final Types types;
    /** Generated class name to the model that claimed it, over all rounds. */
    private final Map<String, String> claimed = new HashMap<>();

    GeneratedNames(Elements elements, Types types) {
        this.elements = elements;
        this.types = types;
    }

    /** {@code pkg.LaminaNet} for {@code pkg.Outer.Net}. */
    String generatedName(TypeElement model) {
        String pkg = elements.getPackageOf(model).getQualifiedName().toString();
        return (pkg.isEmpty() ? "" : pkg + ".") + "Lamina" + model.getSimpleName();
    }

    /**
     * Of {@code models} (one round's interfaces), those whose generated name is free; each of the
     * others gets an error in its report. Two models of the round that want the same name both lose it.
     */
    List<TypeElement> claim(List<TypeElement> models, Map<Element, Report> reports) {
        Map<String, List<TypeElement>> byName = new LinkedHashMap<>();
        for (TypeElement model : models) {
            byName.computeIfAbsent(generatedName(model), k -> new ArrayList<>()).add(model);
        }
        List<TypeElement> free = new ArrayList<>();
        byName.forEach((name, wanting) -> {
            String earlier = claimed.get(name);
            for (TypeElement model : wanting) {
                String modelName = model.getQualifiedName().toString();
                Report report = reports.get(model);
                if (earlier != null) {
                    report.error(Messages.generatedNameClash(modelName, name, earlier));
                } else if (wanting.size() > 1) {
                    TypeElement other = wanting.get(wanting.get(0) == model ? 1 : 0);
                    report.error(Messages.generatedNameClash(modelName, name, other.getQualifiedName().toString()));
                } else if (takenByOtherType(name, model)) {
                    report.error(Messages.generatedNameTaken(modelName, name, describe(elements.getTypeElement(name))));
                } else {
                    free.add(model);
                }
            }
            if (earlier == null && wanting.size() == 1) {
                claimed.put(name, wanting.get(0).getQualifiedName().toString());
            }
        });
        return free;
    }

    /** Frees the name of a model deferred to the next round, which claims it again then. */
    void release(String generatedName) {
        claimed.remove(generatedName);
    }

    /**
     * Whether a type named {@code name} exists that is not an earlier Lamina output for {@code model}:
     * a class compiled before (on the class path, for example in an incremental build) that
     * implements the model is one, and the new source will replace it.
     */
    private boolean takenByOtherType(String name, TypeElement model) {
        TypeElement existing = elements.getTypeElement(name);
        if (existing == null) {
            return false;
        }
        if (existing.getKind() != ElementKind.CLASS) {
            return true;
        }
        TypeMirror modelType = types.erasure(model.asType());
        return !types.isAssignable(types.erasure(existing.asType()), modelType);
    }

    private static String describe(TypeElement type) {
        return switch (type.getKind()) {
            case INTERFACE -> "an interface";
            case ENUM -> "an enum";
            case RECORD -> "a record";
            case ANNOTATION_TYPE -> "an annotation type";
            default -> "a class";
        };
    }
}
