# Paved Road backend image; the backend also serves the built frontend.
# Host build (the upstream-documented way): run these in the repo root first,
# with the same Node major as the FROM image below (native modules):
#
#   yarn install --immutable      # .ci/start does this, with Node 22
#   yarn tsc
#   yarn build:backend
#   docker build . -f Dockerfile --tag paved-road
#
# Run it with the production config (see README "Production"):
#   docker run -p 7007:7007 -e BACKSTAGE_BASE_URL=... -e POSTGRES_HOST=... paved-road

FROM node:22-bookworm-slim

# better-sqlite3 needs its shared library; mkdocs builds TechDocs in-process
# (no Docker-in-Docker), without the techdocs-core plugin.
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && \
    apt-get install -y --no-install-recommends libsqlite3-dev mkdocs mkdocs-material && \
    rm -rf /var/lib/apt/lists/*

# From here on the least-privileged `node` user (uid 1000) runs everything.
USER node
WORKDIR /app

COPY --chown=node:node .yarn ./.yarn
COPY --chown=node:node .yarnrc.yml backstage.json ./

ENV NODE_ENV=production
# Keep V8 within a typical container limit; raise with the pod's memory.
ENV NODE_OPTIONS="--max-old-space-size=1536"

# The skeleton (every package.json) is enough for the production install, so
# this layer is cached until dependencies change.
COPY --chown=node:node yarn.lock package.json packages/backend/dist/skeleton.tar.gz ./
RUN tar xzf skeleton.tar.gz && rm skeleton.tar.gz

RUN --mount=type=cache,target=/home/node/.cache/yarn,sharing=locked,uid=1000,gid=1000 \
    yarn workspaces focus --all --production && rm -rf "$(yarn cache clean)"

# The example organisation and golden paths that app-config.production.yaml
# points at; replace them with your organisation's catalog locations.
COPY --chown=node:node catalog ./catalog
COPY --chown=node:node templates ./templates

COPY --chown=node:node packages/backend/dist/bundle.tar.gz app-config.yaml app-config.production.yaml ./
RUN tar xzf bundle.tar.gz && rm bundle.tar.gz

# TechDocs publishes built sites here (app-config.production.yaml); mount a
# shared volume when running several replicas.
RUN mkdir -p /app/techdocs

EXPOSE 7007
CMD ["node", "packages/backend", "--config", "app-config.yaml", "--config", "app-config.production.yaml"]
