# Pictor as a container: one node serving on port 8787, its data under the /data volume.
#   docker build -t pictor .
#   docker run -p 8787:8787 -v pictor-data:/data pictor
# The scaled setup (two nodes, PostgreSQL, Redis, S3, nginx) is deploy/compose.yaml; see
# docs/deployment.md, "Containers". Where no container registry is reachable, build a stand-in base
# from Debian's packages and the npm registry with deploy/container/build-local-base.sh and pass
# it as NODE_IMAGE (podman/buildah need --format docker to keep the HEALTHCHECK).
ARG NODE_IMAGE=docker.io/library/node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source wherever its prebuilt binary cannot be downloaded; node-gyp
# then takes Node's headers from the image (/usr/local/include/node) instead of downloading them.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
WORKDIR /app
# .npmrc skips onnxruntime-node's post-install download of CUDA libraries (the CPU runtime ships in it).
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY deploy/container/tsconfig.json deploy/container/
COPY src src
COPY web web
# The server, then the dashboard's static assets (dist/dashboard, served at /dashboard).
RUN npx tsc -p deploy/container/tsconfig.json \
 && npm run build:dashboard --silent \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    PICTOR_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY bin bin
# The official image's unprivileged user (uid 1000) owns the data directory and runs the server.
RUN mkdir /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8787
# The slim image has no curl; Node's fetch asks the server itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/pictor.js"]
CMD ["serve"]
