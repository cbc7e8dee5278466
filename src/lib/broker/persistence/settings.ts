/** persistence true: where the journal lives and when it is compacted (mosquitto's autosave_*). */
export interface PersistenceSettings {
  /** The journal's folder. */
  readonly dir: string;
  /** persistence_file: the file holding the snapshot, whose deletion resets the store; without it, the snapshot is in the folder. */
  readonly stateFile?: string;
  /** autosave_interval: seconds between compactions, or changes between them with autosave_on_changes; 0 = by size only. */
  readonly autosaveInterval: number;
  readonly autosaveOnChanges: boolean;
}
