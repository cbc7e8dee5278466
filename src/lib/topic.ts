// Placeholder signatures; the implementation lands with its tests.
export function isValidTopicName(name: string): boolean {
  return name.length > 0;
}
export function isValidTopicFilter(filter: string): boolean {
  return filter.length > 0;
}
export function topicMatches(filter: string, name: string): boolean {
  return filter === name;
}
