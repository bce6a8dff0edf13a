package dev.lamina.processor.read;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.TypeElement;

/**
 * How many layer nodes members expand to, junctions included, counted without expanding them:
 * nested {@code @Repeat}s multiply, so a count can exceed any {@code long} ({@code times =
 * Integer.MAX_VALUE} three levels deep) and the model must be rejected before it is built.
 */
final class LayerCount {
    private final BlockCatalog blocks;
    private final Map<TypeElement, BigInteger> perBlock = new HashMap<>();

    LayerCount(BlockCatalog blocks) {
        this.blocks = blocks;
    }

    BigInteger of(List<Member> members) {
        BigInteger count = BigInteger.ZERO;
        for (Member member : members) {
            count = count.add(of(member));
        }
        return count;
    }

    BigInteger of(Member member) {
        if (!(member instanceof BlockUse use)) {
            return BigInteger.ONE;
        }
        BigInteger blocksCount = BigInteger.ZERO;
        for (BlockUse.BlockRef ref : use.blocks()) {
            blocksCount = blocksCount.add(ofBlock(ref.type()));
        }
        return use.kind() == BlockUse.Kind.REPEAT
                ? blocksCount.multiply(BigInteger.valueOf(use.times()))
                : blocksCount.add(BigInteger.ONE); // the addition or concatenation
    }

    private BigInteger ofBlock(TypeElement type) {
        BigInteger count = perBlock.get(type);
        if (count == null) {
            count = of(blocks.definition(type).members());
            perBlock.put(type, count);
        }
        return count;
    }
}
