# Hivemesh: the app and its signaling server on one port (PORT, default 8080), and its STUN
# responder on the same port number over UDP (STUN_PORT; docs/deploy.md).
#   docker build -t hivemesh . && docker run --rm -p 8080:8080 -p 8080:8080/udp -e PUBLIC_URL=http://<this machine>:8080 hivemesh
# Inside a container the LAN addresses are the container's own: set PUBLIC_URL to the address the
# room reaches, or run with --network host.

# Build stage: every dependency, then the app (dist/) and the compiled server (dist-server/).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages packages
# The sources are not here yet, so npm's prepare step (which builds) waits for `npm run build`.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# Runtime stage: production dependencies and the build, nothing else.
FROM node:22-bookworm-slim
ENV NODE_ENV=production PORT=8080 HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/dist dist
COPY --from=build /app/dist-server dist-server
COPY package.json package-lock.json ./
COPY packages packages
COPY scripts/prepare.mjs scripts/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
USER node
EXPOSE 8080 8080/udp
HEALTHCHECK CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself, not npm: it gets `docker stop`'s SIGTERM and closes every socket before exiting.
CMD ["node", "dist-server/main.js"]
