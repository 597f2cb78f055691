# ensemblefarm/silo-gpu: farm-silo on GPU nodes, with Python and PyTorch (CUDA) for the command trainer.
# Build from the repository's root:
#   docker build -f deploy/docker/silo-gpu.Dockerfile -t ensemblefarm/silo-gpu .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ src/
# Self-contained: the CUDA image below has no .NET.
RUN dotnet publish src/Silo/EnsembleFarm.Silo.csproj -c Release -r linux-x64 --self-contained -o /app

FROM nvidia/cuda:12.8.1-runtime-ubuntu24.04
# What .NET needs on Ubuntu 24.04 (as Microsoft's runtime-deps image; no ICU: the farm runs with invariant
# globalization), and Python with PyTorch for the command trainer. PyTorch's wheels bring their own CUDA libraries;
# the node's driver comes in through the NVIDIA container runtime.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libc6 libgcc-s1 libssl3t64 libstdc++6 tzdata python3 python3-pip \
    && rm -rf /var/lib/apt/lists/* \
    && pip3 install --no-cache-dir --break-system-packages torch numpy safetensors \
    && useradd --uid 1654 --user-group --no-create-home --home-dir /app app
WORKDIR /app
COPY --from=build /app .
# The trainers the silo may run (EnsembleFarm__Silo__Commands__<alias> in the manifests).
COPY examples/trainers/ /opt/ensemblefarm/trainers/
ENV ASPNETCORE_HTTP_PORTS=
EXPOSE 21111 21112 21113
USER 1654
ENTRYPOINT ["/app/farm-silo"]
