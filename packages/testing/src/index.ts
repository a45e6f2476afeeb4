/** @zookit/testing — see README. */
export {};
