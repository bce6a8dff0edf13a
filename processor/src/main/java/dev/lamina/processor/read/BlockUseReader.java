package dev.lamina.processor.read;

import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.ir.SourceRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;

/**
 * Reads a {@code @Residual}, {@code @Concat} or {@code @Repeat} method into a {@link BlockUse}
 * and checks its own values ({@code times}, a non-empty {@code value}); whether the classes it names
 * are blocks is {@link BlockCatalog}'s concern.
 */
final class BlockUseReader {
    private final ReadContext context;
    private final ExecutableElement method;
    private final AnnotationMirror annotation;
    private final String name;
    private final SourceRef source;
    private final Map<String, AnnotationValue> values;

    BlockUseReader(ReadContext context, ExecutableElement method, AnnotationMirror annotation) {
        this.context = context;
        this.method = method;
        this.annotation = annotation;
        this.name = method.getSimpleName().toString();
        this.source = new SourceRef(method, annotation, ReadContext.byMemberName(annotation.getElementValues()));
        this.values = context.valuesWithDefaults(annotation);
    }

    /** The use, or null when a value is wrong (reported) or could not be read (javac reports it). */
    BlockUse read() {
        String kind = ReadContext.kindOf(annotation);
        return switch (kind) {
            case "Residual" -> residual();
            case "Concat" -> concat();
            case "Repeat" -> repeat();
            default -> throw new IllegalStateException("block use without a reader: " + kind);
        };
    }

    private BlockUse residual() {
        BlockUse.BlockRef body = ref(values.get("value"), "body");
        AnnotationValue shortcutValue = values.get("shortcut");
        TypeElement shortcut = type(shortcutValue);
        if (body == null || shortcut == null) {
            return null;
        }
        List<BlockUse.BlockRef> blocks = new ArrayList<>(List.of(body));
        if (!shortcut.getQualifiedName().contentEquals(DslNames.RESIDUAL_IDENTITY)) {
            blocks.add(new BlockUse.BlockRef(shortcut, shortcutValue, "shortcut"));
        }
        return new BlockUse(BlockUse.Kind.RESIDUAL, name, source, blocks, 1, false);
    }

    private BlockUse concat() {
        AnnotationValue value = values.get("value");
        Object withInput = values.get("withInput") == null ? null : values.get("withInput").getValue();
        if (value == null || !(value.getValue() instanceof List<?> entries) || !(withInput instanceof Boolean)) {
            context.markIncomplete();
            return null;
        }
        if (entries.isEmpty()) {
            context.report.add(Diagnostic.Kind.ERROR, Messages.concatWithoutBranches(name), method, annotation, value);
            return null;
        }
        List<BlockUse.BlockRef> branches = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            BlockUse.BlockRef branch = entries.get(i) instanceof AnnotationValue entry ? ref(entry, "branch " + i) : null;
            if (branch == null) {
                context.markIncomplete();
                return null;
            }
            branches.add(branch);
        }
        return new BlockUse(BlockUse.Kind.CONCAT, name, source, branches, 1, (Boolean) withInput);
    }

    private BlockUse repeat() {
        BlockUse.BlockRef unit = ref(values.get("value"), "unit");
        AnnotationValue timesValue = values.get("times");
        if (unit == null || timesValue == null || !(timesValue.getValue() instanceof Integer times)) {
            context.markIncomplete();
            return null;
        }
        if (times < 1) {
            context.report.error(source, "times", Messages.notPositive("Repeat", name, "times", times));
            return null;
        }
        return new BlockUse(BlockUse.Kind.REPEAT, name, source, List.of(unit), times, false);
    }

    private BlockUse.BlockRef ref(AnnotationValue value, String role) {
        TypeElement type = type(value);
        return type == null ? null : new BlockUse.BlockRef(type, value, role);
    }

    /** The type of a class literal, or null (noted as incomplete) when javac could not resolve it. */
    private TypeElement type(AnnotationValue value) {
        if (value != null && value.getValue() instanceof TypeMirror mirror && mirror.getKind() == TypeKind.DECLARED
                && ((DeclaredType) mirror).asElement() instanceof TypeElement type) {
            return type;
        }
        context.markIncomplete();
        return null;
    }
}
