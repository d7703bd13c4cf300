#!/bin/sh
# hello-service 1.4.0: the example application Gantry releases in the demo.
# `hello-service.sh health` is the health check each region runs after a deploy.
VERSION=1.4.0
case "$1" in
  health)
    # Lets the demo show a failing region. A health check sees none of the worker's environment, so the
    # switch is a file in the target root (two folders above the region's) naming the region:
    #   echo eu-west-1 > .gantry/targets/hello-service/hello-fail-region && ./gantry demo
    FAIL_FILE="${GANTRY_REGION_DIR:-.}/../../hello-fail-region"
    if [ -f "$FAIL_FILE" ] && [ "$(cat "$FAIL_FILE")" = "$GANTRY_REGION" ]; then
      echo "hello-service $VERSION in $GANTRY_REGION: dependency check failed (hello-fail-region)"
      exit 1
    fi
    echo "hello-service $VERSION ok in ${GANTRY_ENVIRONMENT:-?}/${GANTRY_REGION:-?}"
    ;;
  *)
    echo "Hello from hello-service $VERSION"
    ;;
esac
