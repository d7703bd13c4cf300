#!/bin/sh
# The namespace Gantry uses and its search attributes (the same five that `gantry setup` registers and
# that dev.gantry.workflows.api.release.SearchAttributes declares). Idempotent.
set -eu
NS="${NAMESPACE:-default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do sleep 2; done
temporal operator namespace describe --namespace "$NS" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 \
  || temporal operator namespace create --namespace "$NS" --retention 30d --address "$TEMPORAL_ADDRESS"
for name in GantryApplication GantryVersion GantryEnvironment GantryStage GantryStatus; do
  temporal operator search-attribute create --namespace "$NS" --address "$TEMPORAL_ADDRESS" \
    --name "$name" --type Keyword 2>/dev/null || echo "search attribute $name exists"
done
echo "namespace $NS ready"
