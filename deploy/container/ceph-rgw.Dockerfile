# The S3 server of deploy/compose.yaml: a single-node Ceph RADOS Gateway from Debian's packages,
# started by the same scripts/ceph-up.sh the test suites and CI run against (one mon, one OSD on a
# sparse 10 GiB file in the volume, S3 access key `testkey`, secret `testsecret`).
# It keeps one copy of each object: for trying the scaled setup, not for data you cannot lose. In
# production point BLOB_STORE_URL at a real object store (docs/storage.md). Not MinIO: its
# community edition stopped publishing images in October 2025 and was archived in 2026.
ARG DEBIAN_IMAGE=docker.io/library/debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common curl \
 && rm -rf /var/lib/apt/lists/*
COPY scripts/ceph-lib.sh scripts/ceph-up.sh scripts/ceph-down.sh scripts/ceph-install.sh /opt/ceph/
COPY deploy/container/ceph-rgw-entrypoint.sh /opt/ceph/
ENV CEPH_RGW_ADDRESS=0.0.0.0
VOLUME /var/lib/pictor-ceph
EXPOSE 7480
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:7480/"]
ENTRYPOINT ["/opt/ceph/ceph-rgw-entrypoint.sh"]
