// The AppHost's local farm listens on the farm's fixed ports and the dashboard's: one AppHost at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
