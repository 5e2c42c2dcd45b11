export { InvalidTopicError } from './errors.js';
export {
  MAX_TOPIC_BYTES,
  isValidTopicFilter,
  isValidTopicName,
  parseSharedSubscription,
  validateTopicFilter,
  validateTopicName,
} from './validate.js';
export { topicMatchesSub } from './match.js';
export { SubscriptionTrie } from './trie.js';
