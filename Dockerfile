# syntax=docker/dockerfile:1
# Every service's image; the service is a build argument. Build context: the repository root, e.g.
#   docker build --build-arg SERVICE=prune -t catalog-migration/prune .
#   docker build --build-arg SERVICE=replicator --build-arg PG_CLIENT=true -t catalog-migration/replicator .
# SERVICE: the service's folder under services/ (prune, scan, provisioner, replicator, cutover, lineage-migrator).
# PG_CLIENT=true adds pg_dump and psql: the replicator copies the schema with them and the provisioner's local provider
# takes its SnapshotTarget with pg_dump. The base image's packaged client reads servers up to its own major only; for a
# newer source or target install postgresql-client-<major> from apt.postgresql.org instead.
# DATA_DIRECTORIES: folders made under /var/lib/<service> (0700, owned by the service's user), where a volume keeps
# what the service writes: the provisioner's generated passwords (secrets) and snapshots, the replicator's backups.

FROM maven:3.9-eclipse-temurin-17 AS build
ARG SERVICE
WORKDIR /src
COPY . .
# The cache mount keeps downloaded dependencies between builds (BuildKit).
RUN --mount=type=cache,target=/root/.m2 \
    if [ -z "$SERVICE" ] || [ ! -f "services/$SERVICE/pom.xml" ]; then \
        echo "--build-arg SERVICE=<folder under services/> is required, got '$SERVICE'" >&2; exit 1; fi \
    && chmod +x mvnw && ./mvnw -q -pl "services/$SERVICE" -am package -DskipTests \
    && cp services/"$SERVICE"/target/"$SERVICE"-*-exec.jar /src/service.jar

FROM eclipse-temurin:17-jre
ARG SERVICE
ARG PG_CLIENT=false
ARG DATA_DIRECTORIES=
RUN if [ "$PG_CLIENT" = "true" ]; then \
        apt-get update && apt-get install -y --no-install-recommends postgresql-client && rm -rf /var/lib/apt/lists/*; \
    fi
RUN groupadd --system --gid 10001 "$SERVICE" \
    && useradd --system --uid 10001 --gid "$SERVICE" --no-create-home --shell /usr/sbin/nologin "$SERVICE" \
    && install -d -m 0700 -o "$SERVICE" -g "$SERVICE" "/var/lib/$SERVICE" \
    && for d in $DATA_DIRECTORIES; do install -d -m 0700 -o "$SERVICE" -g "$SERVICE" "/var/lib/$SERVICE/$d"; done
WORKDIR /app
COPY --from=build /src/service.jar /app/service.jar
USER $SERVICE
# Where the provisioner and the replicator write (read by those services only; the others ignore them). A new named
# volume mounted there takes the directory's owner and mode.
ENV PROVISIONER_SECRET_DIRECTORY=/var/lib/$SERVICE/secrets \
    PROVISIONER_LOCAL_SNAPSHOTDIRECTORY=/var/lib/$SERVICE/snapshots \
    REPLICATOR_BACKUP_DIRECTORY=/var/lib/$SERVICE/backups
VOLUME /var/lib/$SERVICE
# Configuration comes from the environment: KAFKA_BOOTSTRAP_SERVERS, CONTROL_DB_URL, CONTROL_DB_USER,
# CONTROL_DB_PASSWORD, the service's own variables (its README), the AWS SDK's default credential chain for the
# provisioner's aws provider, and whatever variables the commands' env: secret references name.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/service.jar"]
