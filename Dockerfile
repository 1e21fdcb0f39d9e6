# composelint as a container image: one static (musl) binary in an empty image.
#
#   docker build -t composelint .
#   docker run --rm -v "$PWD:/work" -w /work composelint
#   docker run --rm -v "$PWD:/work" -w /work --user "$(id -u):$(id -g)" composelint --fix
#
# The default target compiles the binary here (the `dist` profile of Cargo.toml). The release
# workflow builds the `prebuilt` target instead, from the static binaries it has already
# built for each architecture (dist/linux-amd64/composelint, dist/linux-arm64/composelint),
# so an image for every platform costs no second compile.
#
# FROM scratch: the image holds nothing but the binary, which needs no libc, no certificates
# (composelint never uses the network), no shell and no /tmp (--fix writes its temporary file
# beside the file it replaces).

FROM rust:1.88-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
# On the musl targets Rust links statically by default: the binary runs in an empty image.
RUN cargo build --locked --profile dist --bin composelint \
    && cp target/dist/composelint /composelint

FROM scratch AS prebuilt
ARG TARGETARCH
COPY dist/linux-${TARGETARCH}/composelint /composelint
WORKDIR /work
ENTRYPOINT ["/composelint"]

FROM scratch
COPY --from=build /composelint /composelint
WORKDIR /work
ENTRYPOINT ["/composelint"]
