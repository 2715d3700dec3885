#!/bin/sh
# The image's entrypoint: bring the database to the newest migration, then run the command
# (default `sopbot run`). SOPBOT_MIGRATE=0 skips the migrations, e.g. on all but one of
# several workers that start at the same moment.
set -eu

if [ "${SOPBOT_MIGRATE:-1}" != "0" ]; then
    sopbot db upgrade
fi

exec "$@"
