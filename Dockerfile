# AEGIS, the GitHub App server (`aegis serve`). Multi-stage: the build stage compiles TypeScript
# with the dev dependencies; the runtime stage holds only dist/, the production node_modules and
# the files read at run time (prompts/, app.yml), and runs as the image's non-root `node` user.
#   docker build -t ghcr.io/OWNER/aegis:0.1.0 .
# Base images are pinned to an exact Node.js and Debian release; add @sha256 digests when
# publishing (docker buildx imagetools inspect node:20.19.5-bookworm-slim).
ARG NODE_IMAGE=node:20.19.5-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Lockfile first: the dependency layer is reused until package*.json change.
COPY package.json package-lock.json ./
# No dependency needs an install script, and skipping them keeps `prepare` (the build) for later,
# when the sources are in place.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
  && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# git: fix branches are committed with real git (simple-git); ca-certificates: HTTPS to GitHub.
RUN apt-get update \
  && apt-get install -y --no-install-recommends git ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json app.yml ./
COPY --chown=root:root bin ./bin
COPY --chown=root:root prompts ./prompts
# The podman runner reads its containers.conf from the source path (shadow verification).
COPY --chown=root:root src/sandbox/podman/containers.conf ./src/sandbox/podman/containers.conf
# The `node` user (uid 1000) of the official image; numeric, so Kubernetes can verify
# runAsNonRoot. Files stay root-owned: the process cannot rewrite its own code.
USER 1000:1000
EXPOSE 3000
ENTRYPOINT ["node", "bin/aegis.js"]
CMD ["serve"]
