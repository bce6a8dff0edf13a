package dev.lamina.processor.read;

import dev.lamina.processor.diag.Messages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The {@code @Block} interfaces that one model uses, directly or through other blocks, each read
 * once: a block used many times has its errors reported once per model, on its own declaration, and
 * each use is later expanded from the same members ({@link BlockExpander}) under its own names.
 * A class that is not a block, and a block that contains itself, are errors on the class literal
 * that names it.
 */
final class BlockCatalog {
    /**
     * A block read without errors.
     *
     * @param type    the interface
     * @param members its members in source order
     */
    record Definition(TypeElement type, List<Member> members) {
        /** The interface's simple name, as branch names and messages use it. */
        String name() {
            return type.getSimpleName().toString();
        }
    }

    private final ReadContext context;
    /** Every block read so far; null for one with errors (already reported). */
    private final Map<TypeElement, Definition> read = new HashMap<>();
    /** The blocks being read, outermost first: a block found here again closes a cycle. */
    private final List<TypeElement> reading = new ArrayList<>();

    BlockCatalog(ReadContext context) {
        this.context = context;
    }

    /**
     * Reads every block that {@code members} use, and the blocks those use; false when some is not a
     * valid block (reported).
     */
    boolean resolve(List<Member> members) {
        boolean valid = true;
        for (Member member : members) {
            if (member instanceof BlockUse use) {
                for (BlockUse.BlockRef ref : use.blocks()) {
                    valid &= resolve(use, ref);
                }
            }
        }
        return valid;
    }

    /** The definition of a block that {@link #resolve} accepted. */
    Definition definition(TypeElement type) {
        Definition definition = read.get(type);
        if (definition == null) {
            throw new IllegalStateException(type + " was not resolved as a valid block");
        }
        return definition;
    }

    private boolean resolve(BlockUse use, BlockUse.BlockRef ref) {
        TypeElement type = ref.type();
        String notABlock = whyNotABlock(type);
        if (notABlock != null) {
            errorOn(use, ref, Messages.notABlock(use.kind().annotation(), use.method(), ref.role(),
                    type.getSimpleName().toString(), notABlock));
            return false;
        }
        int cycleStart = reading.indexOf(type);
        if (cycleStart >= 0) {
            List<String> cycle = new ArrayList<>();
            reading.subList(cycleStart, reading.size()).forEach(t -> cycle.add(t.getSimpleName().toString()));
            cycle.add(type.getSimpleName().toString());
            errorOn(use, ref, Messages.blockCycle(cycle));
            return false;
        }
        if (!read.containsKey(type)) {
            reading.add(type);
            read.put(type, readBlock(type));
            reading.remove(reading.size() - 1);
        }
        return read.get(type) != null;
    }

    /** The block's definition, or null when it or a block it uses has errors (reported). */
    private Definition readBlock(TypeElement type) {
        long errorsBefore = errorCount();
        AnnotationMirror block = ReadContext.findAnnotation(type, DslNames.BLOCK);
        String name = type.getSimpleName().toString();
        if (!type.getTypeParameters().isEmpty()) {
            context.report.add(Diagnostic.Kind.ERROR, Messages.genericBlock(name), type, block, null);
        }
        if (!type.getInterfaces().isEmpty()) {
            context.report.add(Diagnostic.Kind.ERROR, Messages.blockExtendsInterfaces(name), type, block, null);
        }
        List<Member> members = new MemberReader(context, Map.of()).read(type);
        if (!MemberReader.declaresAbstractMethods(type)) {
            context.report.add(Diagnostic.Kind.ERROR, Messages.emptyBlock(name), type, block, null);
        }
        boolean usesValidBlocks = resolve(members);
        return usesValidBlocks && errorCount() == errorsBefore ? new Definition(type, members) : null;
    }

    /** Why {@code type} cannot be used as a block ("a class", ...), or null when it can. */
    private static String whyNotABlock(TypeElement type) {
        if (type.getKind() != ElementKind.INTERFACE) {
            return ReadContext.describe(type.getKind());
        }
        if (ReadContext.findAnnotation(type, DslNames.SEQUENTIAL) != null) {
            return "a @Sequential model";
        }
        return ReadContext.findAnnotation(type, DslNames.BLOCK) == null ? "an interface without @Block" : null;
    }

    private void errorOn(BlockUse use, BlockUse.BlockRef ref, String message) {
        context.report.add(Diagnostic.Kind.ERROR, message, use.source().element(), use.source().annotation(),
                ref.value());
    }

    private long errorCount() {
        return context.report.items().stream().filter(i -> i.kind() == Diagnostic.Kind.ERROR).count();
    }
}
