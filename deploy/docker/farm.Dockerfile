# ensemblefarm/farm: the farm command, for Jobs that submit campaigns. Build from the repository's root:
#   docker build -f deploy/docker/farm.Dockerfile -t ensemblefarm/farm .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ src/
RUN dotnet publish src/Client/EnsembleFarm.Client.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app .
# The example specs, at the same place relative to a data folder as in the repository: examples/ensemble.yaml's
# ../data/collider.csv is /farm/data/collider.csv, where the deployment mounts the data volume.
COPY examples/ /farm/examples/
USER $APP_UID
ENTRYPOINT ["/app/farm"]
