#!/bin/bash
# Submits fit → extract array → merge, each starting when the previous one succeeded.
#   SHARED=/shared deploy/slurm/submit.sh
set -euo pipefail
cd "$(dirname "$0")"
fit=$(sbatch --parsable --export=ALL fit.sbatch)
extract=$(sbatch --parsable --export=ALL --dependency=afterok:"$fit" extract-array.sbatch)
sbatch --parsable --export=ALL --dependency=afterok:"$extract" merge.sbatch
