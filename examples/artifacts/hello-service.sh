#!/bin/sh
# hello-service 1.4.0: the example application Gantry releases in the demo.
# `hello-service.sh health` is the health check each region runs after a deploy.
VERSION=1.4.0
case "$1" in
  health)
    # Lets the demo show a failing region: HELLO_FAIL_REGION=eu-west-1 ./gantry demo
    if [ -n "$HELLO_FAIL_REGION" ] && [ "$GANTRY_REGION" = "$HELLO_FAIL_REGION" ]; then
      echo "hello-service $VERSION in $GANTRY_REGION: dependency check failed (HELLO_FAIL_REGION)"
      exit 1
    fi
    echo "hello-service $VERSION ok in ${GANTRY_ENVIRONMENT:-?}/${GANTRY_REGION:-?}"
    ;;
  *)
    echo "Hello from hello-service $VERSION"
    ;;
esac
