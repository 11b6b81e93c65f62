# The Samsa workspace, installed and built: the image compose.yaml runs the registry and the demo from.
FROM node:20-bookworm-slim
WORKDIR /samsa
COPY . .
RUN npm ci --no-audit --no-fund && npm run build
